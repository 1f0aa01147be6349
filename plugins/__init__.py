"""Built-in format plugins, one sub-package per format family.

Each is a pluggy plugin module with a ``register_formats`` hook implementation, registered
exactly like a third-party plugin (see ``credbridge.plugin_manager.DEFAULT_PLUGINS``).
"""
