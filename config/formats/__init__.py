"""Our date formats, which win over the locale's own (settings.FORMAT_MODULE_PATH)."""
