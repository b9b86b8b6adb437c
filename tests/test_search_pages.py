from datetime import timedelta

import models

from .conftest import NOW
from .helpers import conversation


def test_pages_read_from_the_end_match_pages_from_the_start(db):
    for i in range(23):
        conversation(email=f"p{i}@example.com", at=NOW - timedelta(hours=i // 3))
    search = models.ConversationSearch("")
    total = search.count()
    forward = [r.id for r in search.page(0, 0)]
    for offset in range(0, total, 5):
        backward = [r.id for r in search.page_from_end(offset, 5, total)]
        assert backward == forward[offset : offset + 5]
