"""The bundled catalog (catalog.json), installed as the package bot.data; read with importlib.resources."""
