from tests.helpers import GENERAL, USA


def test_lists_journals_of_the_bundled_seed(bc):
    response = bc.get(bc.journals())
    assert response.status_code == 200
    codes = [journal["code"] for journal in response.json()["value"]]
    assert codes == ["BANK", "GENERAL"]


def test_creates_a_payment_with_the_next_line_number(bc):
    created = bc.post(bc.payments(GENERAL), {"customerNumber": "10000", "amount": -12.5})
    assert created.status_code == 201, created.text
    assert created.json()["lineNumber"] == 40000
    assert created.json()["journalDisplayName"] == "GENERAL"
    assert created.json()["@odata.context"].endswith(
        f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments/$entity"
    )
