"""Price floor page (content arrives with its library layer)."""

from __future__ import annotations

from _shared import page_setup

cfg = page_setup("Price floor")
