"""Double review in the browser: each expert reaches the round from «Мои экспертизы», fills the rubric's
form, and sees the other's scores only once both reviews are in."""
import uuid

from playwright.sync_api import expect

from tests.integration.test_expert_workbench import new_rubric, open_round, submitted_entry


def review_in_the_form(tab, title, novelty, evidence, transfer, comment):
    page = tab.page
    page.get_by_role("list", name="Мои экспертизы").get_by_role("link", name=title).click()
    expect(page.get_by_role("status").filter(has_text="скрыта. Рецензии других экспертов откроются")).to_be_visible()
    page.get_by_label("Новизна").fill(str(novelty))
    page.get_by_label("Доказанность результатов").fill(str(evidence))
    page.get_by_label("Переносимость в другой город").fill(str(transfer))
    page.get_by_label("Рекомендация").select_option(label="Одобрить")
    page.get_by_label("Комментарий", exact=True).fill(comment)
    page.locator("#remark-field-0").select_option(label="Результаты")
    page.locator("#remark-text-0").fill(f"{comment}: цифры охвата")
    tab.screenshot("expert-review-form")
    page.get_by_role("button", name="Подать рецензию").click()
    expect(page.get_by_text("Рецензия подана.", exact=True)).to_be_visible()


def test_two_experts_review_in_the_browser_and_see_each_other_only_when_both_are_in(network, visit):
    title = f"Практика для двух экспертов {uuid.uuid4().hex[:4]}"
    expert_round = open_round(network, submitted_entry(network, title=title), new_rubric(network))
    first, second = (a["reviewer"] for a in expert_round["assignments"])

    one = visit()
    one.sign_in(first)
    review_in_the_form(one, title, 8, 9, 4, "Сильная практика")
    expect(one.page.get_by_text("Рецензия другого эксперта скрыта, пока он не подаст свою")).to_be_visible()

    two = visit()
    two.sign_in(second)
    expect(two.page.get_by_text("Сильная практика")).to_have_count(0)
    review_in_the_form(two, title, 6, 7, 3, "Нужны данные за второй год")
    table = two.page.get_by_role("table", name="Баллы бок о бок")
    expect(table).to_contain_text("Сильная практика")
    expect(table).to_contain_text("Нужны данные за второй год")
    expect(two.page.get_by_role("listitem").filter(has_text="Сильная практика: цифры охвата")).to_contain_text(
        "Результаты")
    two.screenshot("expert-review-side-by-side")
