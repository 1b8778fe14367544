from typing import Any

import pytest

from dangol.knowledge.demo import demo_articles_ensure
from dangol.knowledge.models import Article


@pytest.fixture
def articles(db: Any) -> dict[str, Article]:
    demo_articles_ensure()
    return {a.slug: a for a in Article.objects.all()}
