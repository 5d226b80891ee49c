"""The practices service's RPC methods of the expert workbench (mixed into PracticesService)."""
from nameko import config

from services.practices import expertise, rubrics
from services.practices.contract import (
    NewRubricSchema,
    RemarkSchema,
    ReviewInputSchema,
    ReviewSchema,
    RoundInputSchema,
    RoundSchema,
    RubricInputSchema,
    RubricSchema,
)
from shared.errors import NetworkError
from shared.rpc import TimedServiceRpc
from shared.schemas import load
from shared.service import rpc

# Totals (each a % of the rubric's scale) further apart than this bring in a third expert.
DEFAULT_DISAGREEMENT_PERCENT = 30


class ExpertiseRpc:
    # Reviewer accounts and their cities are the catalog's; asked for whenever experts are assigned.
    catalog = TimedServiceRpc("catalog")

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
        reviewers = self.catalog.list_reviewers()
        threshold = float(config.get("EXPERTISE_DISAGREEMENT_PERCENT", DEFAULT_DISAGREEMENT_PERCENT))
        with self.db.begin() as session:
            expertise.submit_review(session, self.identity(), round_id, review, reviewers, threshold)
            return RoundSchema().dump(expertise.round_view(session, self.identity(), round_id))

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
