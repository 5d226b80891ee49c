from nameko import config

from services.festivals import diplomas, judging, jury, knowledge, organising, season, verification
from services.festivals.contract import (
    CallInputSchema,
    DiplomaSchema,
    EntryInputSchema,
    FestivalChangeSchema,
    FestivalInputSchema,
    FestivalQuery,
    FestivalSchema,
    JuryInputSchema,
    MyEntriesQuery,
    MyEntrySchema,
    NominationInputSchema,
    ProgrammeItemInputSchema,
    RankingSchema,
    ResultsInputSchema,
)
from services.festivals.models import FestivalsOutbox
from shared.auth import CurrentIdentity
from shared.batches import event_batches
from shared.db import Database
from shared.errors import NetworkError
from shared.replay import CatchesUp
from shared.rpc import TimedServiceRpc
from shared.schemas import ExpectedRevisionsSchema, load, page_of
from shared.service import OwningService, rpc
from shared.storage import file_store


class FestivalsService(OwningService, CatchesUp):
    name = "festivals"
    outbox_model = FestivalsOutbox

    db = Database("festivals")
    identity = CurrentIdentity()
    # Entries accept published practices only, and festival times use the city's time zone:
    # both are learnt from other services' events.
    event_log = knowledge.READER
    # Jurors' cities are the catalog's; the jury's rounds and rubrics are the practices service's.
    catalog = TimedServiceRpc("catalog")
    practices = TimedServiceRpc("practices")

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

    # knowledge.py: what festivals learn from others' events, in batches, each event applied once and taken
    # by one replica (shared/batches.py, competing): catalog.municipality_registered,
    # practices.festival_jury_scored, practices.practice_approved, practice_withdrawn, practice_archived
    @event_batches(knowledge.SOURCES, competing=True)
    def learn(self, events):
        self.apply_delivered(events)

    catch_up = CatchesUp.catch_up  # timer(interval=READ_MODEL_CATCH_UP_SECONDS): what the broker did not bring

    @rpc(expected_exceptions=NetworkError)
    def create_festival(self, data):
        data = load(FestivalInputSchema(), data)
        with self.db.begin() as session:
            return FestivalSchema().dump(organising.create_festival(session, self.identity(), data))

    @rpc(expected_exceptions=NetworkError)
    def get_festival(self, festival_id):
        with self.db() as session:
            return FestivalSchema().dump(organising.get_festival(session, festival_id))

    @rpc(expected_exceptions=NetworkError)
    def list_festivals(self, query):
        query = load(FestivalQuery(), query)
        with self.db() as session:
            items, total = organising.list_festivals(session, **query)
            return page_of(FestivalSchema(many=True).dump(items), total, query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def change_festival(self, festival_id, changes, expected_revisions=None):
        changes = load(FestivalChangeSchema(partial=True), changes)
        expected = load(ExpectedRevisionsSchema(), {"revisions": expected_revisions})["revisions"]
        with self.db.begin() as session:
            festival = organising.change_festival(session, self.identity(), festival_id, changes, expected)
            return FestivalSchema().dump(festival)

    @rpc(expected_exceptions=NetworkError)
    def cancel_festival(self, festival_id):
        with self.db.begin() as session:
            return FestivalSchema().dump(organising.cancel_festival(session, self.identity(), festival_id))

    @rpc(expected_exceptions=NetworkError)
    def add_nomination(self, festival_id, data):
        title = load(NominationInputSchema(), data)["title"]
        with self.db.begin() as session:
            festival = organising.add_nomination(session, self.identity(), festival_id, title)
            return FestivalSchema().dump(festival)

    @rpc(expected_exceptions=NetworkError)
    def add_programme_item(self, festival_id, data):
        data = load(ProgrammeItemInputSchema(), data)
        with self.db.begin() as session:
            festival = organising.add_programme_item(session, self.identity(), festival_id, data)
            return FestivalSchema().dump(festival)

    @rpc(expected_exceptions=NetworkError)
    def enter_practice(self, festival_id, data):
        data = load(EntryInputSchema(), data)
        with self.db.begin() as session:
            festival = judging.enter_practice(session, self.identity(), festival_id, data,
                                              self.practices.open_festival_rounds)
            return FestivalSchema().dump(festival)

    @rpc(expected_exceptions=NetworkError)
    def open_call(self, festival_id, data):
        data = load(CallInputSchema(), data)
        with self.db.begin() as session:
            return FestivalSchema().dump(season.open_call(session, self.identity(), festival_id, data))

    @rpc(expected_exceptions=NetworkError)
    def withdraw_entry(self, festival_id, entry_id):
        with self.db.begin() as session:
            festival = season.withdraw_entry(session, self.identity(), festival_id, entry_id,
                                             self.practices.withdraw_festival_round)
            return FestivalSchema().dump(festival)

    @rpc(expected_exceptions=NetworkError)
    def my_entries(self, query):
        query = load(MyEntriesQuery(), query)
        with self.db() as session:
            items, total = season.my_entries(session, self.identity(), **query)
            return page_of(MyEntrySchema(many=True).dump(items), total, query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def appoint_jury(self, festival_id, data):
        usernames = load(JuryInputSchema(), data)["jurors"]
        candidates = self.catalog.jury_candidates(usernames)
        with self.db.begin() as session:
            festival = jury.appoint_jury(session, self.identity(), festival_id, candidates,
                                         self.practices.open_festival_rounds)
            return FestivalSchema().dump(festival)

    @rpc(expected_exceptions=NetworkError)
    def ranking(self, festival_id):
        with self.db() as session:
            return RankingSchema().dump(jury.ranking(session, self.identity(), festival_id))

    @rpc(expected_exceptions=NetworkError)
    def certificate(self, festival_id, entry_id):
        """The file-store digest of an entry's certificate of participation PDF."""
        with self.db() as session:
            return diplomas.certificate(session, festival_id, entry_id, file_store(config), config)

    @rpc(expected_exceptions=NetworkError)
    def diplomas_archive(self, festival_id):
        """The file-store digest of a ZIP of every diploma and certificate of the festival (organiser)."""
        with self.db() as session:
            organising.require_organiser(self.identity(), organising.get_festival(session, festival_id))
            return diplomas.archive(session, festival_id, file_store(config), config)

    @rpc(expected_exceptions=NetworkError)
    def diploma(self, festival_id, entry_id):
        """The file-store digest of a winner's diploma PDF."""
        with self.db() as session:
            return diplomas.diploma(session, festival_id, entry_id, file_store(config), config)

    @rpc(expected_exceptions=NetworkError)
    def verify_diploma(self, code):
        """Who a diploma was awarded to, by the code of its QR; 404 for a code never issued."""
        with self.db() as session:
            return DiplomaSchema().dump(verification.verify(session, config["DIPLOMA_SECRET"], code))

    @rpc(expected_exceptions=NetworkError)
    def announce_results(self, festival_id, data):
        results = load(ResultsInputSchema(), data)["results"]
        with self.db.begin() as session:
            festival = judging.announce_results(session, self.identity(), festival_id, results)
            return FestivalSchema().dump(festival)
