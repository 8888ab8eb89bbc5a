"""E-mail: parsing, loop protection and the visible text of a reply (standard library only)."""
