"""Imports every model module so the metadata is complete (for migrations and create_all)."""
from app.auth.models import ApiToken, PiiAccessLog, User  # noqa: F401
from app.realtime_models import PushMessage, PushSequence  # noqa: F401
from live.models import Broadcast, BroadcastProduct, EventLog, Viewer  # noqa: F401
from orders.models import Order, OrderHistory, OrderLine, Product, ProductVariant, StockLevel  # noqa: F401
