from nameko import config
from nameko.timer import timer

from services.practices import (
    adoption,
    booking,
    changes,
    collections,
    expertise,
    importing,
    registry,
    resources,
    review,
    rubrics,
)
from services.practices.contract import (
    AdoptionInputSchema,
    AdoptionReportInputSchema,
    BookingInputSchema,
    BookingQuery,
    BookingSchema,
    BulkTransitionSchema,
    CollectionSchema,
    EntryQuery,
    EntrySchema,
    FestivalRoundsInputSchema,
    HistoryItemSchema,
    ImportReportSchema,
    KindSchema,
    NewRubricSchema,
    RemarkSchema,
    ResourceSchema,
    ReviewInputSchema,
    ReviewQueueQuery,
    ReviewSchema,
    RoundInputSchema,
    RoundSchema,
    RubricInputSchema,
    RubricSchema,
    SessionInputSchema,
    SessionSchema,
    TransitionInputSchema,
)
from services.practices.models import PracticesOutbox
from services.practices.schemas import (
    CollectionInputSchema,
    ImportSchema,
    ResourceInputSchema,
    ReviewContextSchema,
    StoredCollectionSchema,
    StoredFileSchema,
)
from shared.auth import CurrentIdentity
from shared.config import public_base_url
from shared.db import Database
from shared.errors import BadRequest, NetworkError
from shared.messaging import utcnow
from shared.rpc import TimedServiceRpc
from shared.schemas import ExpectedRevisionsSchema, PageQuery, load, page_of, reused
from shared.service import OwningService, rpc
from shared.storage import file_store

# Totals (each a % of the rubric's scale) further apart than this bring in a third expert.
DEFAULT_DISAGREEMENT_PERCENT = 30


class PracticesService(OwningService):
    name = "practices"
    outbox_model = PracticesOutbox

    db = Database("practices")
    identity = CurrentIdentity()
    # Reviewer accounts and their cities are the catalog's; asked for whenever experts are assigned.
    catalog = TimedServiceRpc("catalog")


    # shared/service.py: what every owning service answers and runs
    ping = OwningService.ping  # rpc: /health asks it
    replay_events = OwningService.replay_events  # rpc: this service's outbox read as an event log
    replay_index = OwningService.replay_index  # rpc: the same log's positions, ids and types
    relay_outbox = OwningService.relay_outbox  # timer(interval=OUTBOX_RELAY_INTERVAL): outbox → RabbitMQ

    # shared/revocation.py: signed-out tokens and disabled accounts, learnt by this process itself
    on_token_revoked = OwningService.on_token_revoked  # event catalog.token_revoked (broadcast)
    on_account_disabled = OwningService.on_account_disabled  # event catalog.account_disabled (broadcast)
    on_account_enabled = OwningService.on_account_enabled  # event catalog.account_enabled (broadcast)
    on_account_password_changed = OwningService.on_account_password_changed  # event (broadcast)
    sync_revoked_tokens = OwningService.sync_revoked_tokens  # timer(interval=REVOCATION_SYNC_SECONDS)

    @rpc(expected_exceptions=NetworkError)
    def create_entry(self, data):
        content = dict(data)
        kind = load(reused(KindSchema), {"kind": content.pop("kind", None)})["kind"]
        with self.db.begin() as session:
            entry = registry.create_entry(session, self.identity(), kind, content)
            return self._dump(entry)

    @rpc(expected_exceptions=NetworkError)
    def get_entry(self, entry_id):
        with self.db() as session:
            return EntrySchema().dump(registry.visible_view(session, self.identity(), entry_id))

    @rpc(expected_exceptions=NetworkError)
    def edit_entry(self, entry_id, changes, expected_revisions=None):
        expected = load(ExpectedRevisionsSchema(), {"revisions": expected_revisions})["revisions"]
        with self.db.begin() as session:
            return self._dump(registry.edit_entry(session, self.identity(), entry_id, changes, expected))

    @rpc(expected_exceptions=NetworkError)
    def transition(self, entry_id, action, data):
        if action not in review.TRANSITIONS:
            raise BadRequest(f"Неизвестное действие «{action}»")
        comment = load(reused(TransitionInputSchema), data)["comment"]
        with self.db.begin() as session:
            return self._dump(review.transition(session, self.identity(), entry_id, action, comment))

    @rpc(expected_exceptions=NetworkError)
    def transition_many(self, action, data):
        if action not in review.TRANSITIONS:
            raise BadRequest(f"Неизвестное действие «{action}»")
        data = load(BulkTransitionSchema(), data)
        with self.db.begin() as session:
            return review.transition_many(session, self.identity(), data["ids"], action, data["comment"])

    @rpc(expected_exceptions=NetworkError)
    def history(self, entry_id):
        with self.db() as session:
            return HistoryItemSchema(many=True).dump(review.history(session, self.identity(), entry_id))

    @rpc(expected_exceptions=NetworkError)
    def review_context(self, entry_id):
        with self.db() as session:
            return ReviewContextSchema().dump(changes.review_context(session, self.identity(), entry_id))

    @rpc(expected_exceptions=NetworkError)
    def list_entries(self, query):
        query = load(EntryQuery(), query)
        with self.db() as session:
            items, total = registry.list_entries(session, self.identity(), **query)
            return page_of(EntrySchema(many=True).dump(items), total, query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def review_queue(self, query):
        query = load(ReviewQueueQuery(), query)
        with self.db() as session:
            items, total = review.review_queue(session, self.identity(), **query)
            return page_of(EntrySchema(many=True).dump(items), total, query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def import_entries(self, data):
        data = load(ImportSchema(), data)
        with self.db.begin() as session:
            report = importing.import_entries(session, self.identity(), data["rows"], data["dry_run"])
            return ImportReportSchema().dump(report)

    @rpc(expected_exceptions=NetworkError)
    def request_collection(self, data):
        data = load(CollectionInputSchema(), data)
        with self.db.begin() as session:
            return CollectionSchema().dump(collections.request_collection(session, self.identity(), data))

    @rpc(expected_exceptions=NetworkError)
    def get_collection(self, collection_id):
        with self.db() as session:
            return StoredCollectionSchema().dump(collections.get_collection(session, collection_id))

    @rpc(expected_exceptions=NetworkError)
    def list_collections(self, query):
        query = load(PageQuery(), query)
        with self.db() as session:
            items, total = collections.list_collections(session, **query)
            return page_of(CollectionSchema(many=True).dump(items), total, query["page"], query["per_page"])

    @timer(interval=1)
    def build_collections(self):
        """Builds queued collections one by one, in the background of every replica."""
        collections.build_next(self.db, file_store(config), public_base_url(config))

    @rpc(expected_exceptions=NetworkError)
    def add_resource(self, data):
        data = load(ResourceInputSchema(), data)
        with self.db.begin() as session:
            return ResourceSchema().dump(resources.add_resource(session, self.identity(), data))

    @rpc(expected_exceptions=NetworkError)
    def get_resource(self, resource_id):
        with self.db() as session:
            return StoredFileSchema().dump(resources.get_resource(session, resource_id))

    @rpc(expected_exceptions=NetworkError)
    def schedule_session(self, entry_id, data):
        data = load(SessionInputSchema(), data)
        with self.db.begin() as session:
            return SessionSchema().dump(booking.schedule_session(session, self.identity(), entry_id, data))

    @rpc(expected_exceptions=NetworkError)
    def list_sessions(self, entry_id):
        with self.db() as session:
            return SessionSchema(many=True).dump(booking.list_sessions(session, self.identity(), entry_id))

    @rpc(expected_exceptions=NetworkError)
    def book(self, session_id, data):
        data = load(reused(BookingInputSchema), data)
        with self.db.begin() as session:
            return reused(BookingSchema).dump(booking.book(session, self.identity(), session_id, **data))

    @rpc(expected_exceptions=NetworkError)
    def cancel_booking(self, booking_id):
        with self.db.begin() as session:
            return BookingSchema().dump(booking.cancel_booking(session, self.identity(), booking_id))

    @rpc(expected_exceptions=NetworkError)
    def list_bookings(self, query):
        query = load(BookingQuery(), query)
        with self.db() as session:
            actor = self.identity()
            items, total = booking.list_bookings(session, actor, **query)
            items = booking.without_contacts(actor, BookingSchema(many=True).dump(items))
            return page_of(items, total, query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def adopt_entry(self, entry_id, data):
        data = load(AdoptionInputSchema(), data)
        after_days = int(config.get("ADOPTION_REPORT_AFTER_DAYS", adoption.DEFAULT_REPORT_AFTER_DAYS))
        with self.db.begin() as session:
            return adoption.adopted_draft(*adoption.adopt_entry(session, self.identity(), entry_id, data, after_days))

    @rpc(expected_exceptions=NetworkError)
    def report_adoption_results(self, adoption_id, data):
        text = load(AdoptionReportInputSchema(), data)["text"]
        with self.db.begin() as session:
            return adoption.report_results(session, self.identity(), adoption_id, text)

    @timer(interval=adoption.DUE_CHECK_SECONDS)
    def request_due_adoption_reports(self):
        """Asks adopters for the results reports that have fallen due (``practice-network
        request-adoption-reports --as-of`` does the same for a given moment)."""
        with self.db.begin() as session:
            adoption.request_due_reports(session, utcnow())

    def _dump(self, entry):
        return reused(EntrySchema).dump(registry.entry_view(entry, registry.working_version(entry)))

    # The expert workbench: rubrics (rubrics.py), rounds and reviews (expertise.py).
    @rpc(expected_exceptions=NetworkError)
    def create_rubric(self, data):
        data = load(NewRubricSchema(), data)
        with self.db.begin() as session:
            return RubricSchema().dump(rubrics.create_rubric(session, self.identity(), data))

    @rpc(expected_exceptions=NetworkError)
    def revise_rubric(self, code, data):
        data = load(RubricInputSchema(), data)
        with self.db.begin() as session:
            return RubricSchema().dump(rubrics.revise_rubric(session, self.identity(), code, data))

    @rpc(expected_exceptions=NetworkError)
    def list_rubrics(self):
        with self.db() as session:
            return RubricSchema(many=True).dump(rubrics.list_rubrics(session, self.identity()))

    @rpc(expected_exceptions=NetworkError)
    def open_expert_round(self, entry_id, data):
        rubric_code = load(RoundInputSchema(), data)["rubric"]
        reviewers = self.catalog.list_reviewers()
        with self.db.begin() as session:
            expert_round = expertise.open_round(session, self.identity(), entry_id, rubric_code, reviewers)
            return RoundSchema().dump(expertise.round_view(session, self.identity(), expert_round.id))

    @rpc(expected_exceptions=NetworkError)
    def submit_expert_review(self, round_id, data):
        review = load(ReviewInputSchema(), data)
        reviewers = self.catalog.list_reviewers  # asked only if a third expert is needed
        threshold = float(config.get("EXPERTISE_DISAGREEMENT_PERCENT", DEFAULT_DISAGREEMENT_PERCENT))
        with self.db.begin() as session:
            expertise.submit_review(session, self.identity(), round_id, review, reviewers, threshold)
            return RoundSchema().dump(expertise.round_view(session, self.identity(), round_id))

    @rpc(expected_exceptions=NetworkError)
    def open_festival_rounds(self, data):
        """``{festival_entry_id: round_id}`` of a festival's jury rounds, opened for the entries sent."""
        festival = load(FestivalRoundsInputSchema(), data)
        with self.db.begin() as session:
            return {str(item["festival_entry_id"]): expertise.open_festival_round(
                session, self.identity(), festival, item).id for item in festival["entries"]}

    @rpc(expected_exceptions=NetworkError)
    def withdraw_festival_round(self, festival_entry_id):
        with self.db.begin() as session:
            expertise.withdraw_festival_round(session, self.identity(), int(festival_entry_id))

    @rpc(expected_exceptions=NetworkError)
    def get_expert_round(self, round_id):
        with self.db() as session:
            return RoundSchema().dump(expertise.round_view(session, self.identity(), round_id))

    @rpc(expected_exceptions=NetworkError)
    def expert_round_reviews(self, round_id):
        with self.db() as session:
            return ReviewSchema(many=True).dump(expertise.round_reviews(session, self.identity(), round_id))

    @rpc(expected_exceptions=NetworkError)
    def my_expert_assignments(self):
        with self.db() as session:
            return RoundSchema(many=True).dump(expertise.my_assignments(session, self.identity()))

    @rpc(expected_exceptions=NetworkError)
    def expert_remarks(self, entry_id):
        with self.db() as session:
            return RemarkSchema(many=True).dump(expertise.remarks_for_author(session, self.identity(), entry_id))
