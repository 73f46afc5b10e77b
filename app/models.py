"""Imports every model module so the metadata is complete (for migrations and create_all)."""
from analytics.models import ROLLUP_TABLES, AnalyticsState  # noqa: F401
from app.auth.models import ApiToken, PiiAccessLog, User  # noqa: F401
from app.background.leases import JobLease  # noqa: F401
from app.realtime.models import PushMessage, PushSequence  # noqa: F401
from live.models import Broadcast, BroadcastProduct, EventLog, RejectedEvent, Viewer  # noqa: F401
from live.adapters.models import AdapterInboxMessage, AdapterRejection, PlatformConnection  # noqa: F401
from live.moderation.models import (  # noqa: F401
    ModeratedMessage,
    ModerationAction,
    ModerationOffence,
    ModerationPolicyRecord,
    ModerationTerm,
    ModerationVersion,
    ViewerSanction,
)
from orders.models import (  # noqa: F401
    AuditPolicyRecord,
    BlocklistEntry,
    Order,
    OrderFinding,
    OrderHistory,
    OrderLine,
    OrderPayment,
    Product,
    ProductVariant,
    StockLevel,
)
from orders.claims.models import ChatClaim, ClaimPolicyRecord  # noqa: F401
from orders.aftersales.models import AftersaleCase, CaseEvent, CaseLine, Refund  # noqa: F401
from orders.fulfilment.models import (  # noqa: F401
    CarrierRecord,
    FulfilmentPolicyRecord,
    Shipment,
    ShipmentLine,
    TrackingCheckpoint,
)
from orders.care.complaints.models import Complaint, ComplaintBreach, ComplaintEvent  # noqa: F401
from orders.care.sla.models import SlaSettingsRecord  # noqa: F401
from orders.customers.models import (  # noqa: F401
    Customer,
    CustomerEvent,
    CustomerPolicyRecord,
    CustomerTierChange,
    Offer,
    OfferGrant,
)
from orders.notices.models import BuyerNotice  # noqa: F401
from orders.promotions.models import Promotion, PromotionUse  # noqa: F401
from orders.care.surveys.models import SurveyCampaign, SurveyInvitation, SurveyResponse  # noqa: F401
from orders.care.followups.models import FollowUpTask  # noqa: F401
from orders.totals import OrderTotalsRow  # noqa: F401
from orders.claims.totals import ClaimTotalsRow  # noqa: F401
