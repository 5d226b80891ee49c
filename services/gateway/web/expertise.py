"""Expert workbench pages: the decision page of an expert round (scores side by side) and the public
verification page a diploma's QR code opens."""
from services.gateway import views
from services.gateway.web.rendering import page, render
from services.practices.expertise_schemas import RECOMMENDATIONS


class ExpertisePages:
    @page("GET", "/expertise/<int:round_id>")
    def expert_round_page(self, request, visitor, round_id):
        expert_round = self.practices.get_expert_round(round_id)
        entry = self.practices.get_entry(expert_round["entry_id"])
        with self.read_model() as session:
            cities = views.municipality_names(session)
        return render(request, "expertise_round.html", round=expert_round, entry=entry, cities=cities,
                      recommendations=RECOMMENDATIONS, comment="")

    @page("GET", "/diplomas/<code>")
    def diploma_page(self, request, visitor, code):
        return render(request, "diploma.html", diploma=self.festivals.verify_diploma(code))
