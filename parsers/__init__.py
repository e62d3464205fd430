"""Pure parsing: bytes in, typed values out. No database, no network, no clock."""
