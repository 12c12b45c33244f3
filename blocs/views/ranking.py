"""Being written."""

urls: list = []
