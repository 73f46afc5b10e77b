"""The LiveDesk application factory."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from app.config import load_config
from app.http.headers import install_headers


def create_app(test_config: dict | None = None) -> Flask:
    """Return a configured LiveDesk app; test_config overrides the environment."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_mapping(load_config())
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False  # keep the documented field order in API answers
    register_extensions(app)
    register_blueprints(app)
    connect_signals()
    register_errorhandlers(app)
    install_headers(app)
    register_commands(app)
    register_background_jobs()
    return app


def register_background_jobs() -> None:
    """Declare the periodic jobs the server runs (started by wsgi.serve, never by tests)."""
    from app import background
    from orders.expiry import sweep_job
    from orders.notices.jobs import register_notice_jobs

    background.register("reservation-sweeper", 5, sweep_job)
    from orders.aftersales.sweeper import sweep_job as aftersales_timers

    background.register("aftersales-timers", 30, aftersales_timers)
    from orders.care.complaints.breaches import sweep_job as complaint_breaches

    background.register("complaint-breaches", 30, complaint_breaches)
    register_notice_jobs()
    from orders.fulfilment.stale import sweep_job as stale_tracking

    background.register("stale-tracking", 300, stale_tracking)
    from live.adapters.processing import inbox_job

    background.register("adapter-inbox", 2, inbox_job)
    from orders.customers.recalculate import RECALCULATE_SECONDS, recalculate_job

    background.register("customer-recalculation", RECALCULATE_SECONDS, recalculate_job)


def select_locale() -> str:
    """Return the UI language: the user's setting, else the browser's Accept-Language, else the default (English).

    Outside a request (a flask command, a background job) there is no user or browser: the default.
    """
    from flask import current_app, has_request_context

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and getattr(current_user, "locale", None) in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to app and tune the database engine."""
    # Imported here, not at module level: a module-level name `db` would shadow the app.db module.
    from app import models  # noqa: F401  every model registered before the engine and migrations look at metadata
    from app.db.engine import configure_engine
    from app.extensions import babel, csrf, db, login_manager, migrate, socketio

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    # Handlers must be registered before init_app: later decorators reach only the current server,
    # so every app after the first would be missing them.
    from live import socket  # noqa: F401

    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        # Several replicas behind a message queue must agree on who may connect; same-origin only by default.
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),
    )


def register_blueprints(app: Flask) -> None:
    """Register every blueprint and the Socket.IO handlers."""
    from analytics.api import bp as analytics_api
    from analytics.pages import bp as analytics_pages
    from analytics.refund_pages import bp as analytics_refunds
    from app.auth.accounts import bp as accounts_views
    from app.auth.api import bp as accounts_api
    from app.auth.onboarding import bp as onboarding_views
    from app.auth.pages import bp as auth_bp
    from app.auth.pii.api import bp as pii_api
    from app.auth.pii.pages import bp as pii_pages
    from app.http.health import bp as health_bp
    from app.http.validation import install_converters
    from app.openapi.api import bp as openapi_bp
    from live.adapters.api import bp as connections_api
    from live.adapters.api import hooks as adapter_hooks
    from live.adapters.pages import bp as connections_views
    from live.api import bp as live_api
    from live.moderation.api import bp as moderation_api
    from live.moderation.api import chat_bp as moderation_chat_api
    from live.moderation.pages import bp as moderation_views
    from live.pages import bp as live_views
    from orders.api import bp as orders_api
    from orders.aftersales.api import bp as aftersales_api
    from orders.aftersales.pages import bp as aftersales_views
    from orders.backoffice.api import bp as audit_api
    from orders.backoffice.blocklist import bp as blocklist_api
    from orders.backoffice.pages import bp as orders_pages
    from orders.catalog.pages import bp as catalog_views
    from orders.care.complaints.api import bp as complaints_api
    from orders.care.complaints.pages import bp as complaints_views
    from orders.care.followups.api import bp as followups_api
    from orders.care.followups.pages import bp as followups_views
    from orders.care.surveys.api import bp as surveys_api
    from orders.care.surveys.api import public_bp as survey_answers_api
    from orders.care.surveys.pages import bp as surveys_views
    from orders.care.surveys.public import bp as survey_public_views
    from orders.claims.api import bp as claims_api
    from orders.claims.pages import bp as claims_views
    from orders.customers.api import bp as customers_api
    from orders.customers.pages import bp as customers_views
    from orders.customers.rules_api import bp as customer_rules_api
    from orders.fulfilment.api import bp as fulfilment_api
    from orders.fulfilment.api import callbacks_bp as tracking_callbacks
    from orders.fulfilment.pages import bp as fulfilment_views
    from orders.lookup.pages import bp as lookup_views
    from orders.promotions.api import bp as promotions_api
    from orders.promotions.pages import bp as promotions_views

    install_converters(app)  # before any rule is added: <int:...> ids are bounded everywhere
    for blueprint in (auth_bp, openapi_bp, live_api, live_views, orders_api, audit_api, blocklist_api, orders_pages,
                      promotions_api, promotions_views, catalog_views, analytics_api, analytics_pages, analytics_refunds,
                      moderation_api, moderation_chat_api, moderation_views, pii_api, pii_pages,
                      customers_api, customers_views, customer_rules_api, lookup_views, claims_api, claims_views,
                      accounts_api, accounts_views, onboarding_views, health_bp,
                      aftersales_api, aftersales_views,
                      fulfilment_api, tracking_callbacks, fulfilment_views,
                      surveys_api, survey_answers_api, surveys_views, survey_public_views, followups_api, followups_views,
                      complaints_api, complaints_views,
                      adapter_hooks, connections_api, connections_views):
        app.register_blueprint(blueprint)


def connect_signals() -> None:
    """Connect each domain's listeners to the signals of app.signals (blinker keeps one connection per receiver)."""
    from analytics.rollups.record import record_events
    from app.signals import events_accepted

    events_accepted.connect(record_events)
    _connect_aftersales_listeners()
    _connect_care_listeners()
    _connect_privacy_listeners()


def _connect_aftersales_listeners() -> None:
    """Connect the refund case of a payment that must go back (orders/aftersales) to the payment's signal."""
    from app.signals import payment_refund_due
    from orders.aftersales.intake import refund_case_for_payment

    payment_refund_due.connect(refund_case_for_payment)


def _connect_privacy_listeners() -> None:
    """Connect the copies of buyer contact data outside orders (event log, care texts, after-sale notes) to an erasure."""
    from app.signals import customer_erased
    from live.privacy import erase_customer_events

    from orders.aftersales.erasure import erase_case_texts
    from orders.care.erasure import erase_care_texts

    customer_erased.connect(erase_customer_events)
    customer_erased.connect(erase_care_texts)
    customer_erased.connect(erase_case_texts)


def _connect_care_listeners() -> None:
    """Connect the survey invitations and follow-up tasks (orders/care) to the after-sale signals."""
    from app.signals import aftersale_closed, complaint_resolved, order_delivered, order_delivery_withdrawn
    from orders.care.complaints.aftersales_link import complaints_after_refund
    from orders.care.followups import listeners as followups
    from orders.care.surveys import listeners as surveys

    order_delivered.connect(surveys.survey_after_delivery)
    order_delivered.connect(followups.followup_after_delivery)
    order_delivery_withdrawn.connect(surveys.survey_withdrawn_with_delivery)
    order_delivery_withdrawn.connect(followups.followup_withdrawn_with_delivery)
    aftersale_closed.connect(surveys.survey_after_case)
    aftersale_closed.connect(followups.followup_after_case)
    complaint_resolved.connect(surveys.survey_after_complaint)
    complaint_resolved.connect(followups.followup_after_complaint)
    aftersale_closed.connect(complaints_after_refund)  # a complaint's refund ended: its survey and call-back now


def register_errorhandlers(app: Flask) -> None:
    """Install the JSON and HTML error handlers."""
    from app.errors import register_errorhandlers as install

    install(app)


def register_commands(app: Flask) -> None:
    """Add the flask CLI commands (create-user, create-token, seed-demo, simulate, replay)."""
    from app.cli import register
    from live.privacy import register_privacy_commands

    register(app)
    register_privacy_commands(app)
    from orders.aftersales.cli import register_aftersales_commands

    register_aftersales_commands(app)
    from live.adapters.cli import register_adapter_commands

    register_adapter_commands(app)
    from app.background.worker import run_jobs_command

    app.cli.add_command(run_jobs_command)
    from orders.customers.cli import customers_command

    app.cli.add_command(customers_command)
