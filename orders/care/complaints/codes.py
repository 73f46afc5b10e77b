"""The codes of complaints (pure): statuses, channels, categories, severities, root causes, plan actions, targets."""

STATUSES = ("new", "acknowledged", "investigating", "resolved", "closed")
OPEN_STATUSES = ("new", "acknowledged", "investigating")
CHANNELS = ("back_office", "platform", "chat", "survey")
CATEGORIES = ("product_quality", "logistics", "service_attitude", "price_dispute", "aftersales_delay",
              "misleading_description", "other")
SEVERITIES = ("urgent", "high", "normal", "low")
ROOT_CAUSES = ("supplier_defect", "quality_control", "warehouse_error", "carrier", "staff_conduct",
               "host_statement", "listing_error", "pricing_error", "policy_gap", "process_delay",
               "buyer_misunderstanding", "other")
ACTIONS = ("refund_via_aftersales", "reship", "apology_coupon", "process_change")
TARGETS = ("first_response", "resolution")
TEXT_LIMIT = 2000
