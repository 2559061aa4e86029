"""A stand-in ``lz4`` package whose ``lz4.stream`` is lz4_stream, so python-lz4's own tests run against it."""
