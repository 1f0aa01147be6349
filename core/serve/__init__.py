"""``credbridge serve``: the HTTP API for registries in any language, and the clerk's web page.

The service is a front end of the batch engine like the command line: every conversion is a
:class:`~credbridge.batch.Batch` run by :func:`~credbridge.batch.run`, or, for a CSV or JSON
Lines body converted as it arrives, the engine's unit of work
(:func:`~credbridge.batch.convert_unit`) on each chunk, as ``--jobs`` does. It needs the
``serve`` extra (``pip install 'credbridge[serve]'``): Starlette and uvicorn.

Importing this package imports neither: :mod:`credbridge.serve.command` (the click command)
loads the ASGI stack when the command runs, and :func:`credbridge.serve.app.create_app` builds
the application. See docs/serve.md.
"""
