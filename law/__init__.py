"""The law layer: Regulation (EU) 2021/821 as pure, typed functions over `ingest.model.Provision`s.

No chat, no retrieval, no I/O beyond reading the store it is given. Each function returns a typed finding that
carries the provisions (and spans) that decide it. See docs/ARCHITECTURE.md."""
