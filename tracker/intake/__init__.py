"""The reporter side: public pages that never import staff code (STYLE: separate at import level)."""
from .views import bp

__all__ = ["bp"]
