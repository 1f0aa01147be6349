"""The plugin manager: built-in formats and third-party entry points, loaded the same way.

Built-in formats are the modules of ``credbridge.plugins`` listed in :data:`DEFAULT_PLUGINS`;
third parties declare ``[project.entry-points.credbridge]``. ``CREDBRIDGE_LOAD_PLUGINS``
(comma-separated entry-point or distribution names; empty for none) limits which third-party
plugins load. A plugin that fails to import or to register is recorded in
:func:`load_failures` and skipped, never fatal.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from . import hookspecs
from .errors import PluginError

if TYPE_CHECKING:  # the format contract imports pydantic: loaded with the plugins, not before
    from .format_index import Listing
    from .formats import Format, FormatRegistry

ENTRY_POINT_GROUP = "credbridge"
LOAD_PLUGINS_ENV = "CREDBRIDGE_LOAD_PLUGINS"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "credbridge.plugins.canonical",
    "credbridge.plugins.csv",
    "credbridge.plugins.elmo",
    "credbridge.plugins.elm",
    "credbridge.plugins.edc_xml",
    "credbridge.plugins.openbadges",
    "credbridge.plugins.clr",
    "credbridge.plugins.xlsx",
    "credbridge.plugins.print",
)
"""Built-in plugin modules, registered in this order exactly as entry points are."""


@dataclass(frozen=True)
class LoadFailure:
    """A plugin that could not be loaded, and why."""

    name: str
    error: str

    def __str__(self) -> str:
        return f"plugin {self.name} was skipped: {self.error}"


pm = pluggy.PluginManager("credbridge")
pm.add_hookspecs(hookspecs)

_failures: list[LoadFailure] = []
_registry: FormatRegistry | None = None
_loaded = False
_lock = threading.RLock()


def _load_default_plugins() -> None:
    for module_name in DEFAULT_PLUGINS:
        try:
            mod = importlib.import_module(module_name)
        except Exception as exc:  # a broken built-in is reported like any plugin
            _failures.append(LoadFailure(module_name, f"{type(exc).__name__}: {exc}"))
            continue
        pm.register(mod, name=module_name)


def _wanted(ep: metadata.EntryPoint) -> bool:
    allowed = os.environ.get(LOAD_PLUGINS_ENV)
    if allowed is None:
        return True
    names = {n.strip() for n in allowed.split(",") if n.strip()}
    dist = ep.dist.name if ep.dist else None
    return ep.name in names or (dist is not None and dist in names)


def _load_entry_points() -> None:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if not _wanted(ep):
            continue
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            _failures.append(LoadFailure(ep.name, f"{type(exc).__name__}: {exc}"))
            continue
        try:
            pm.register(plugin, name=ep.name)
            _check_hooks(ep.name)
        except Exception as exc:
            _failures.append(LoadFailure(ep.name, f"{type(exc).__name__}: {exc}"))
            continue
        if ep.dist is not None:
            _dists[ep.name] = (ep.dist.name, ep.dist.version)


_dists: dict[str, tuple[str, str]] = {}


def load_plugins() -> None:
    """Load built-in and entry-point plugins once; check that every hook is known.

    Thread-safe: a library embedded in a threaded worker (dask, a web server) may convert in
    several threads at once, and none may see a half-loaded plugin set.
    """
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        _load_default_plugins()
        _load_entry_points()
        _loaded = True
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements an unknown hook: {exc}") from None


def _check_hooks(name: str) -> None:
    """``pm.check_pending()`` for the plugin just registered as ``name``: an implementation of a
    hook credbridge does not define (a misspelled hook) unregisters it and raises PluginError."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        pm.unregister(name=name)
        raise PluginError(f"plugin {name} implements an unknown hook: {exc}") from None


def load_failures() -> list[LoadFailure]:
    """Plugins that failed to load (after :func:`load_plugins`)."""
    load_plugins()
    return list(_failures)


def get_formats() -> FormatRegistry:
    """The registry of every format, built on first use by calling ``register_formats``."""
    global _registry
    if _registry is not None:
        return _registry
    load_plugins()
    with _lock:
        if _registry is not None:
            return _registry
        _registry = _build_registry()
    return _registry


def _build_registry() -> FormatRegistry:
    from .formats import FormatRegistry

    registry = FormatRegistry()
    for impl in pm.hook.register_formats.get_hookimpls():
        plugin_name = pm.get_name(impl.plugin) or "?"

        def register(fmt: Format, _plugin: str = plugin_name) -> None:
            registry.register(fmt, _plugin)

        try:
            impl.function(register=register)
        except Exception as exc:
            _failures.append(LoadFailure(plugin_name, f"register_formats failed: {exc}"))
    registry.failed_plugins = [f.name for f in _failures]
    return registry


def format_listing() -> list[Listing]:
    """What ``credbridge formats`` lists of every format (name, read/write, title, extensions,
    plugin). While no plugin is loaded and no third-party plugin is installed (or wanted, see
    ``CREDBRIDGE_LOAD_PLUGINS``), the built-in formats come from
    :data:`credbridge.format_index.BUILTIN` without importing them; otherwise from the
    registry."""
    from .format_index import BUILTIN, listing

    if not _loaded and not any(_wanted(ep)
                               for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)):
        return list(BUILTIN)
    return [listing(f) for f in get_formats()]


def register_plugin(plugin: ModuleType | object, name: str | None = None) -> None:
    """Register a plugin object at run time (tests, embedding applications)."""
    global _registry
    load_plugins()
    try:
        registered = pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(f"cannot register plugin {name or plugin!r}: {exc}") from None
    if registered is not None:
        _check_hooks(registered)
    _registry = None


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered with :func:`register_plugin`."""
    global _registry
    pm.unregister(name=name)
    _registry = None


def reset() -> None:
    """Forget every loaded plugin and failure: the next use loads them all again (after a
    plugin was installed or ``CREDBRIDGE_LOAD_PLUGINS`` changed; tests)."""
    global _registry, _loaded
    for name, plugin in list(pm.list_name_plugin()):
        if plugin is not None:
            pm.unregister(name=name)
    _failures.clear()
    _dists.clear()
    _registry = None
    _loaded = False


def plugin_info() -> list[dict[str, Any]]:
    """One entry per loaded plugin: name, formats, version, hooks; then the failures."""
    registry = get_formats()
    out: list[dict[str, Any]] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        entry: dict[str, Any] = {
            "name": name,
            "builtin": name in DEFAULT_PLUGINS,
            "hooks": hooks,
            "formats": [f.name for f in registry if f.plugin == name],
        }
        if name in _dists:
            entry["distribution"], entry["version"] = _dists[name]
        out.append(entry)
    return out
