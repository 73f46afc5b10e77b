"""Loading and saving the SLA settings (orders.care.sla.models.SlaSettingsRecord); the defaults when none were saved."""
from __future__ import annotations

from sqlalchemy.orm import Session

from orders.care.sla.models import SlaSettingsRecord
from orders.care.sla.policy import SlaSettings, SlaSettingsError

SETTINGS_ID = 1


def load_sla_settings(session: Session) -> SlaSettings:
    """Return the saved SLA settings, or the defaults (Asia/Shanghai, Monday to Friday 09:00-18:00)."""
    record = session.get(SlaSettingsRecord, SETTINGS_ID)
    if record is None:
        return SlaSettings()
    try:
        return SlaSettings.from_dict(record.settings)
    except SlaSettingsError:  # saved by an older version with other rules: the defaults rather than no SLA
        return SlaSettings()


def save_sla_settings(session: Session, settings: SlaSettings, actor: str) -> SlaSettings:
    """Store the settings (not committed) and return them; complaints already open keep their due times."""
    record = session.get(SlaSettingsRecord, SETTINGS_ID) or SlaSettingsRecord(id=SETTINGS_ID)
    record.settings, record.updated_by = settings.to_dict(), actor[:64]
    session.add(record)
    return settings
