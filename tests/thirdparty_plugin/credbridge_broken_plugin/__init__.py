"""A plugin that cannot be imported: credbridge must report it and carry on."""

raise RuntimeError("credbridge-broken-plugin is broken on purpose")
