"""Infrastructure: safe file writes, caches. No knowledge of journey maps."""
