"""The folder tree (所管部署 → 書類区分, with counts the actor may see) on the page and in the API,
and the search limited to the selected folder."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.roles import Role
from urakata.documents import folders, selectors
from urakata.documents.tests.factories import file_document, pdf_bytes
from urakata.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/documents"


@pytest.fixture
def store() -> dict[str, Any]:
    sales = DepartmentFactory(name="営業部")
    plant = DepartmentFactory(name="製造部")
    docs = {
        "sales_contract": file_document(
            title="清掃契約", doc_type="contract", department_id=sales.pk,
            content=pdf_bytes("清掃業務の委託契約"),
        ),
        "sales_contract2": file_document(
            title="警備契約", doc_type="contract", department_id=sales.pk,
            content=pdf_bytes("警備業務の委託契約"),
        ),
        "sales_quote": file_document(
            title="清掃見積", doc_type="quotation", department_id=sales.pk,
            content=pdf_bytes("清掃業務の見積"),
        ),
        "plant_secret": file_document(
            title="機密契約", doc_type="contract", department_id=plant.pk, confidential=True,
            content=pdf_bytes("清掃業務の機密契約"),
        ),
        "loose_invoice": file_document(
            title="請求書", doc_type="invoice", content=pdf_bytes("清掃業務の請求"),
        ),
    }  # fmt: skip
    return {"sales": sales, "plant": plant, **docs}


def _counts(tree: list[folders.DepartmentFolder]) -> dict[str, Any]:
    return {f.name: (f.count, {t.doc_type: t.count for t in f.types}) for f in tree}


def test_tree_counts_what_the_actor_may_see(store: dict[str, Any], make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)  # view_all: not the other department's 機密
    assert _counts(folders.folder_tree(actor=accountant)) == {
        "営業部": (3, {"contract": 2, "quotation": 1}),
        "(部署なし)": (1, {"invoice": 1}),
    }
    auditor = make_user(Role.AUDITOR)  # view_confidential
    tree = folders.folder_tree(
        actor=auditor, department_key=str(store["plant"].pk), doc_type="contract"
    )
    assert _counts(tree)["製造部"] == (1, {"contract": 1})
    plant = next(f for f in tree if f.name == "製造部")
    assert plant.selected and plant.types[0].selected
    assert [f.name for f in tree] == ["営業部", "製造部", "(部署なし)"]


def test_search_respects_the_selected_folder(store: dict[str, Any], make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)

    def ids(**query: str) -> set[int]:
        filters = selectors.document_filters({"q": "清掃", **query})
        return {
            d.pk for d in selectors.document_search(actor=accountant, filters=filters).documents
        }

    sales = str(store["sales"].pk)
    assert ids(department_id=sales, doc_type="contract") == {store["sales_contract"].pk}
    assert ids(department_id=sales) == {store["sales_contract"].pk, store["sales_quote"].pk}
    assert ids(department_id="none") == {store["loose_invoice"].pk}
    assert ids(department_id=str(store["plant"].pk)) == set()  # 機密: not the accountant's


def test_folder_page_and_api(store: dict[str, Any], client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    sales = store["sales"].pk
    page = client.get(
        "/documents/", {"q": "清掃", "department_id": sales, "doc_type": "contract"}
    ).content.decode()
    assert 'id="folder-tree"' in page and "営業部" in page and "(3)" in page
    assert f"department_id={sales}&amp;doc_type=quotation" in page  # keeps q in the link
    assert "q=%E6%B8%85%E6%8E%83&amp;department_id" in page
    assert "清掃契約" in page and "清掃見積" not in page.split('id="document-table"')[1]
    tree = client.get(f"{API}/folders").json()
    assert {f["name"]: f["count"] for f in tree} == {"営業部": 3, "(部署なし)": 1}
    assert tree[0]["types"][0] == {"doc_type": "contract", "label": "契約書", "count": 2}
    found = client.get(API, {"q": "清掃", "no_department": "true"}).json()
    assert [i["id"] for i in found["items"]] == [store["loose_invoice"].pk]
