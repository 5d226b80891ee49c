"""The gateway, by job: ``GatewayService`` answers HTTP (the API and the pages; several worker processes
share its port) and ``ProjectorService`` writes the read model they read (one process per read model).
docs/gateway-processes.md says who writes what and how many of each run."""
from nameko.timer import timer

from services.gateway import mailing, projections
from services.gateway.endpoints import administration as api_administration
from services.gateway.endpoints import adoptions as api_adoptions
from services.gateway.endpoints import audit as api_audit
from services.gateway.endpoints import collections as api_collections
from services.gateway.endpoints import directory as api_directory
from services.gateway.endpoints import expertise as api_expertise
from services.gateway.endpoints import festival_season as api_festival_season
from services.gateway.endpoints import festivals as api_festivals
from services.gateway.endpoints import notifications as api_notifications
from services.gateway.endpoints import opendata as api_opendata
from services.gateway.endpoints import registry as api_registry
from services.gateway.endpoints import resources as api_resources
from services.gateway.endpoints import system as api_system
from services.gateway.endpoints import trials as api_trials
from services.gateway.endpoints import views as api_views
from services.gateway.web import account as pages_account
from services.gateway.web import administration as pages_administration
from services.gateway.web import adoptions as pages_adoptions
from services.gateway.web import authoring as pages_authoring
from services.gateway.web import collections as pages_collections
from services.gateway.web import entries as pages_entries
from services.gateway.web import expertise as pages_expertise
from services.gateway.web import festival_season as pages_festival_season
from services.gateway.web import festivals as pages_festivals
from services.gateway.web import home as pages_home
from services.gateway.web import notifications as pages_notifications
from services.gateway.web import passwords as pages_passwords
from services.gateway.web import search as pages_search
from services.gateway.web import uploads as pages_uploads
from shared.batches import event_batches
from shared.compat import ClusterRpc
from shared.db import Database
from shared.metrics import Instrumentation
from shared.replay import CatchesUp
from shared.revocation import RefusesRevokedTokens
from shared.rpc import TimedServiceRpc

# The projector says it is alive this often (/health of every HTTP worker reads it: health.py).
BEAT_SECONDS = 1


class GatewayService(RefusesRevokedTokens):
    """JSON API (``endpoints/``) and web pages (``web/``) over the read model the projector writes.

    Every HTTP route, timer and event handler is named below, one line each: the function it runs lives in
    the module of the comment above its group (``gateway`` is the function's first argument, this
    service's worker). It writes nothing to the read model but the visitors' read marks of notifications."""

    name = "gateway"

    read_model = Database("gateway")
    # Correlation ids for every worker's log lines. HTTP requests are counted in http.py, and the
    # metrics of every process of this gateway are served at /metrics (endpoints/system.py).
    instrumentation = Instrumentation()
    catalog = TimedServiceRpc("catalog")
    practices = TimedServiceRpc("practices")
    festivals = TimedServiceRpc("festivals")
    # Health probes expire in the queue of a stopped service instead of piling up there (health.py sets
    # each probe's expiry from HEALTH_TIMEOUT_SECONDS).
    probes = ClusterRpc()

    # endpoints/administration.py
    issue_password_reset = api_administration.issue_password_reset  # POST /api/v1/accounts/<username>/password-reset
    sign_in_once = api_administration.sign_in_once  # POST /api/v1/auth/one-time
    add_organization = api_administration.add_organization  # POST /api/v1/organizations
    municipality_plugins = api_administration.municipality_plugins  # GET /api/v1/plugins/municipalities

    # endpoints/adoptions.py
    adopt_practice = api_adoptions.adopt_practice  # POST /api/v1/practices/<int:entry_id>/adopt
    report_adoption = api_adoptions.report_adoption  # POST /api/v1/adoptions/<int:adoption_id>/report
    practice_adoptions = api_adoptions.practice_adoptions  # GET /api/v1/practices/<int:entry_id>/adoptions
    list_adoptions = api_adoptions.list_adoptions  # GET /api/v1/adoptions
    network_spread = api_adoptions.network_spread  # GET /api/v1/network/spread

    # endpoints/audit.py
    audit_log = api_audit.audit_log  # GET /api/v1/audit

    # endpoints/collections.py
    request_collection = api_collections.request_collection  # POST /api/v1/collections
    list_collections = api_collections.list_collections  # GET /api/v1/collections
    rebuild_collection = api_collections.rebuild_collection  # POST /api/v1/collections/<int:collection_id>/rebuild
    get_collection = api_collections.get_collection  # GET /api/v1/collections/<int:collection_id>
    collection_file = api_collections.collection_file

    # endpoints/directory.py
    municipalities = api_directory.municipalities  # GET /api/v1/municipalities
    directions = api_directory.directions  # GET /api/v1/directions
    municipality = api_directory.municipality  # GET /api/v1/municipalities/<code>
    organizations = api_directory.organizations  # GET /api/v1/organizations

    # endpoints/expertise.py
    create_rubric = api_expertise.create_rubric  # POST /api/v1/rubrics
    list_rubrics = api_expertise.list_rubrics  # GET /api/v1/rubrics
    revise_rubric = api_expertise.revise_rubric  # PUT /api/v1/rubrics/<code>
    open_expert_round = api_expertise.open_expert_round  # POST /api/v1/practices/<int:entry_id>/expertise
    my_expert_assignments = api_expertise.my_expert_assignments  # GET /api/v1/expertise/assignments
    get_expert_round = api_expertise.get_expert_round  # GET /api/v1/expertise/rounds/<int:round_id>
    expert_round_reviews = api_expertise.expert_round_reviews  # GET /api/v1/expertise/rounds/<int:round_id>/reviews
    submit_expert_review = api_expertise.submit_expert_review  # POST /api/v1/expertise/rounds/<int:round_id>/review
    expert_remarks = api_expertise.expert_remarks  # GET /api/v1/practices/<int:entry_id>/expert-remarks

    # endpoints/festivals.py
    create_festival = api_festivals.create_festival  # POST /api/v1/festivals
    list_festivals = api_festivals.list_festivals  # GET /api/v1/festivals
    get_festival = api_festivals.get_festival  # GET /api/v1/festivals/<int:festival_id>
    change_festival = api_festivals.change_festival  # PATCH /api/v1/festivals/<int:festival_id>
    cancel_festival = api_festivals.cancel_festival  # POST /api/v1/festivals/<int:festival_id>/cancel
    add_nomination = api_festivals.add_nomination  # POST /api/v1/festivals/<int:festival_id>/nominations
    add_programme_item = api_festivals.add_programme_item  # POST /api/v1/festivals/<int:festival_id>/programme
    enter_practice = api_festivals.enter_practice  # POST /api/v1/festivals/<int:festival_id>/entries
    announce_results = api_festivals.announce_results  # POST /api/v1/festivals/<int:festival_id>/results
    diploma = api_festivals.diploma  # GET /api/v1/festivals/<int:festival_id>/diplomas/<int:entry_id>.pdf
    verify_diploma = api_festivals.verify_diploma  # GET /api/v1/diplomas/<code>
    festivals_calendar = api_festivals.festivals_calendar  # GET /api/v1/festivals.ics
    festival_calendar = api_festivals.festival_calendar  # GET /api/v1/festivals/<int:festival_id>.ics

    # endpoints/festival_season.py
    open_call = api_festival_season.open_call  # POST /api/v1/festivals/<int:festival_id>/call
    withdraw_entry = api_festival_season.withdraw_entry
    my_festival_entries = api_festival_season.my_festival_entries  # GET /api/v1/festival-entries/mine
    appoint_jury = api_festival_season.appoint_jury  # POST /api/v1/festivals/<int:festival_id>/jury
    festival_ranking = api_festival_season.festival_ranking  # GET /api/v1/festivals/<int:festival_id>/ranking
    certificate = api_festival_season.certificate
    diplomas_archive = api_festival_season.diplomas_archive  # GET /api/v1/festivals/<int:festival_id>/diplomas.zip

    # endpoints/notifications.py
    list_notifications = api_notifications.list_notifications  # GET /api/v1/notifications
    mark_notifications_read = api_notifications.mark_notifications_read  # POST /api/v1/notifications/read
    notification_feed_url = api_notifications.notification_feed_url  # GET /api/v1/notifications/feed
    notification_feed = api_notifications.notification_feed  # GET /feeds/<feed_token>.atom

    # endpoints/opendata.py
    practice_json_ld = api_opendata.practice_json_ld  # GET /api/v1/practices/<int:entry_id>.jsonld
    festival_json_ld = api_opendata.festival_json_ld  # GET /api/v1/festivals/<int:festival_id>.jsonld
    export_practices_csv = api_opendata.export_practices_csv  # GET /api/v1/export/practices.csv
    export_csv = api_opendata.export_csv  # GET /api/v1/export/registry.csv
    export_practices_jsonl = api_opendata.export_practices_jsonl  # GET /api/v1/export/practices.jsonl
    export_jsonl = api_opendata.export_jsonl  # GET /api/v1/export/registry.jsonl

    # endpoints/registry.py
    create_practice = api_registry.create_practice  # POST /api/v1/practices
    list_practices = api_registry.list_practices  # GET /api/v1/practices
    get_practice = api_registry.get_practice  # GET /api/v1/practices/<int:entry_id>
    edit_practice = api_registry.edit_practice  # PATCH /api/v1/practices/<int:entry_id>
    transition_practice = api_registry.transition_practice
    transition_practices = api_registry.transition_practices  # POST f'/api/v1/practices/bulk/<any({ACTIONS}):action>'
    practice_history = api_registry.practice_history  # GET /api/v1/practices/<int:entry_id>/history
    review_queue = api_registry.review_queue  # GET /api/v1/review-queue
    import_practices = api_registry.import_practices  # POST /api/v1/practices/import
    import_template = api_registry.import_template  # GET /api/v1/practices/import/template.xlsx

    # endpoints/resources.py
    add_resource = api_resources.add_resource  # POST /api/v1/resources
    list_resources = api_resources.list_resources  # GET /api/v1/resources
    get_resource = api_resources.get_resource  # GET /api/v1/resources/<int:resource_id>
    resource_file = api_resources.resource_file  # GET /api/v1/resources/<int:resource_id>/file

    # endpoints/system.py
    health = api_system.health  # GET /health
    metrics = api_system.metrics  # GET /metrics
    openapi = api_system.openapi  # GET /api/v1/openapi.json
    issue_token = api_system.issue_token  # POST /api/v1/auth/token
    change_password = api_system.change_password  # POST /api/v1/auth/password
    sign_out = api_system.sign_out  # POST /api/v1/auth/sign-out
    create_account = api_system.create_account  # POST /api/v1/accounts
    list_accounts = api_system.list_accounts  # GET /api/v1/accounts
    set_account_disabled = api_system.set_account_disabled

    # endpoints/trials.py
    schedule_session = api_trials.schedule_session  # POST /api/v1/practices/<int:entry_id>/sessions
    list_sessions = api_trials.list_sessions  # GET /api/v1/practices/<int:entry_id>/sessions
    book = api_trials.book  # POST /api/v1/sessions/<int:session_id>/bookings
    list_bookings = api_trials.list_bookings  # GET /api/v1/bookings
    cancel_booking = api_trials.cancel_booking  # DELETE /api/v1/bookings/<int:booking_id>

    # endpoints/views.py
    search = api_views.search  # GET /api/v1/search
    network_stats = api_views.network_stats  # GET /api/v1/network/stats

    # shared/revocation.py: signed-out tokens and disabled accounts, learnt by each worker process itself
    on_token_revoked = RefusesRevokedTokens.on_token_revoked  # event catalog.token_revoked (broadcast)
    on_account_disabled = RefusesRevokedTokens.on_account_disabled  # event catalog.account_disabled (broadcast)
    on_account_enabled = RefusesRevokedTokens.on_account_enabled  # event catalog.account_enabled (broadcast)
    on_account_password_changed = RefusesRevokedTokens.on_account_password_changed  # event (broadcast)
    sync_revoked_tokens = RefusesRevokedTokens.sync_revoked_tokens  # timer(interval=REVOCATION_SYNC_SECONDS)

    # web/account.py
    login_page = pages_account.login_page  # GET /login
    login = pages_account.login  # POST /login
    logout = pages_account.logout  # POST /logout
    cabinet = pages_account.cabinet  # GET /cabinet
    confirm_cancel_page = pages_account.confirm_cancel_page  # GET /bookings/<int:booking_id>/cancel
    cancel_booking_page = pages_account.cancel_booking_page  # POST /bookings/<int:booking_id>/cancel

    # web/administration.py
    accounts_page = pages_administration.accounts_page  # GET /admin/accounts
    new_account_page = pages_administration.new_account_page  # GET /admin/accounts/new
    create_account_page = pages_administration.create_account_page  # POST /admin/accounts/new
    account_access_page = pages_administration.account_access_page
    account_reset_page = pages_administration.account_reset_page  # POST /admin/accounts/<username>/reset
    organizations_page = pages_administration.organizations_page  # GET /admin/organizations
    add_organization_page = pages_administration.add_organization_page  # POST /admin/organizations
    municipalities_page = pages_administration.municipalities_page  # GET /admin/municipalities

    # web/adoptions.py
    adopt_form_page = pages_adoptions.adopt_form_page  # GET /practices/<int:entry_id>/adopt
    adopt_page = pages_adoptions.adopt_page  # POST /practices/<int:entry_id>/adopt
    adoptions_page = pages_adoptions.adoptions_page  # GET /adoptions
    report_page = pages_adoptions.report_page  # POST /adoptions/<int:adoption_id>/report
    spread_page = pages_adoptions.spread_page  # GET /network/spread

    # web/authoring.py
    new_entry_page = pages_authoring.new_entry_page  # GET /entries/new
    create_entry_page = pages_authoring.create_entry_page  # POST /entries/new
    edit_entry_page = pages_authoring.edit_entry_page  # GET /entries/<int:entry_id>/edit
    save_entry_page = pages_authoring.save_entry_page  # POST /entries/<int:entry_id>/edit
    transition_page = pages_authoring.transition_page  # POST f'/entries/<int:entry_id>/<any({ACTIONS}):action>'
    review_page = pages_authoring.review_page  # GET /review/<int:entry_id>

    # web/collections.py
    collections_page = pages_collections.collections_page  # GET /collections
    new_collection_page = pages_collections.new_collection_page  # GET /collections/new
    create_collection_page = pages_collections.create_collection_page  # POST /collections/new
    rebuild_collection_page = pages_collections.rebuild_collection_page  # POST /collections/<int:collection_id>/rebuild
    collection_page = pages_collections.collection_page  # GET /collections/<int:collection_id>

    # web/entries.py
    practice_page = pages_entries.practice_page  # GET /practices/<int:entry_id>
    book_page = pages_entries.book_page  # POST /practices/<int:entry_id>/book
    schedule_page = pages_entries.schedule_page  # POST /practices/<int:entry_id>/sessions
    festival_page = pages_entries.festival_page  # GET /festivals/<int:festival_id>

    # web/expertise.py
    expert_round_page = pages_expertise.expert_round_page  # GET /expertise/<int:round_id>
    submit_review_page = pages_expertise.submit_review_page  # POST /expertise/<int:round_id>/review
    diploma_page = pages_expertise.diploma_page  # GET /diplomas/<code>

    # web/festivals.py
    my_festivals_page = pages_festivals.my_festivals_page  # GET /festivals/mine
    new_festival_page = pages_festivals.new_festival_page  # GET /festivals/new
    create_festival_page = pages_festivals.create_festival_page  # POST /festivals/new
    edit_festival_page = pages_festivals.edit_festival_page  # GET /festivals/<int:festival_id>/edit
    save_festival_page = pages_festivals.save_festival_page  # POST /festivals/<int:festival_id>/edit
    add_programme_page = pages_festivals.add_programme_page  # POST /festivals/<int:festival_id>/programme
    confirm_festival_cancel_page = pages_festivals.confirm_festival_cancel_page
    cancel_festival_page = pages_festivals.cancel_festival_page  # POST /festivals/<int:festival_id>/cancel

    # web/festival_season.py
    call_page = pages_festival_season.call_page  # GET /festivals/<int:festival_id>/call
    open_call_page = pages_festival_season.open_call_page  # POST /festivals/<int:festival_id>/call
    enter_page = pages_festival_season.enter_page  # GET /festivals/<int:festival_id>/enter
    submit_entry_page = pages_festival_season.submit_entry_page  # POST /festivals/<int:festival_id>/enter
    withdraw_entry_page = pages_festival_season.withdraw_entry_page
    my_entries_page = pages_festival_season.my_entries_page  # GET /festival-entries
    put_forward_page = pages_festival_season.put_forward_page  # POST /festival-entries/<int:entry_id>/put-forward
    jury_page = pages_festival_season.jury_page  # GET /festivals/<int:festival_id>/jury
    appoint_jury_page = pages_festival_season.appoint_jury_page  # POST /festivals/<int:festival_id>/jury
    ranking_page = pages_festival_season.ranking_page  # GET /festivals/<int:festival_id>/ranking
    announce_results_page = pages_festival_season.announce_results_page  # POST /festivals/<int:festival_id>/results
    winners_collection_page = pages_festival_season.winners_collection_page

    # web/home.py
    overview_page = pages_home.overview_page  # GET /
    static_file = pages_home.static_file  # GET /static/<name>

    # web/notifications.py
    notifications_page = pages_notifications.notifications_page  # GET /notifications
    read_notifications_page = pages_notifications.read_notifications_page  # POST /notifications/read

    # web/passwords.py
    password_page = pages_passwords.password_page  # GET /account/password
    change_password_page = pages_passwords.change_password_page  # POST /account/password
    code_page = pages_passwords.code_page  # GET /login/code
    code_check_page = pages_passwords.code_check_page  # POST /login/code
    code_password_page = pages_passwords.code_password_page  # POST /login/code/password
    reset_link_page = pages_passwords.reset_link_page  # GET /password/reset/<token>
    reset_link_password_page = pages_passwords.reset_link_password_page  # POST /password/reset/<token>

    # web/search.py
    search_page = pages_search.search_page  # GET /search

    # web/uploads.py
    import_page = pages_uploads.import_page  # GET /entries/import
    import_entries_page = pages_uploads.import_entries_page  # POST /entries/import
    new_resource_page = pages_uploads.new_resource_page  # GET /resources/new
    add_resource_page = pages_uploads.add_resource_page  # POST /resources/new


class ProjectorService(CatchesUp):
    """The read model's only writer, one process per read model: events in batches (one transaction
    each), the catch-up from the owners' logs, the mailing marks, and a heartbeat for /health."""

    name = "projector"

    read_model = Database("gateway")
    # Correlation ids for log lines; every event of a batch counted and timed (shared/metrics.py).
    instrumentation = Instrumentation()
    event_log, event_log_db = projections.READER, "read_model"
    catalog = TimedServiceRpc("catalog")

    # Every event of projections.HANDLERS (what each changes is there), from the service that announces it.
    @event_batches(projections.SOURCES)
    def project(self, events):
        self.apply_delivered(events)

    # shared/replay.py: what the broker did not bring (the projector was away), from the owners' logs
    catch_up = CatchesUp.catch_up  # timer(interval=READ_MODEL_CATCH_UP_SECONDS)

    # mailing.py
    mail_notifications = mailing.mail_notifications  # timer(interval=MAIL_EVERY_SECONDS)

    @timer(interval=BEAT_SECONDS, eager=True)
    def beat(self):
        projections.beat(self.read_model)
