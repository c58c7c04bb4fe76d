"""The contacts file: the shipped example loads; bad addresses and unknown areas are clear errors."""

import pytest

from assets.alerts.mail.email_render import Notification, render
from assets.alerts.notify.contacts import ContactsError, load_contacts, recipients_for


def write(tmp_path, body):
    path = tmp_path / "contacts.yaml"
    path.write_text(
        "contacts:\n"
        + body
        + (
            "  - {role: joint_office, name: 联合办, email: joint@example.cn}\n"
            "  - {role: data_operations, name: ops, email: ops@example.cn, language: en}\n"
        ),
        encoding="utf-8",
    )
    return path


def test_example_file_is_the_default_and_covers_every_area():
    contacts = load_contacts()
    assert len({c.area for c in contacts if c.role == "area_air_office"}) == 10
    chiefs = recipients_for([{"role": "river_chief", "river": "濑溪河"}], contacts)
    assert {c.province for c in chiefs} == {"四川", "重庆"}


def test_env_variable_overrides_the_example(tmp_path):
    from assets.settings import AlertSettings

    path = write(tmp_path, "  - {role: area_air_office, area: 荣昌, name: 荣昌, email: a@example.cn}\n")
    settings = AlertSettings.from_env({"ENVMON_CONTACTS": str(path)})
    assert [c.email for c in load_contacts(settings.contacts)][0] == "a@example.cn"
    assert AlertSettings.from_env({}).contacts.name == "contacts.example.yaml"


EMAIL = "contacts[#1].email: not a valid address"


@pytest.mark.parametrize(
    "entry, message",
    [
        ("  - {role: area_air_office, area: 荣昌, name: x, email: not-an-address}\n", EMAIL),
        ('  - {role: area_air_office, area: 荣昌, name: x, email: "a@b.cn\\r\\nBcc: c@d.cn"}\n', EMAIL),
        ("  - {role: area_air_office, area: 成都, name: x, email: a@b.cn}\n", "[#1].area: '成都' is not one of"),
        (
            "  - {role: river_chief, river: 濑溪河, province: 贵州, name: x, email: a@b.cn}\n",
            "[#1].province: '贵州' is not",
        ),
        ("  - {role: mayor, name: x, email: a@b.cn}\n", "contacts[#1].role: Input should be"),
        ("  - {role: joint_office, name: x, email: a@b.cn, language: fr}\n", "[#1].language: Input should be"),
    ],
)
def test_bad_entries_are_named(tmp_path, entry, message):
    path = write(tmp_path, entry)
    with pytest.raises(ContactsError) as err:
        load_contacts(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_email_is_chinese_first_with_subject_evidence_and_id():
    n = Notification(
        event_id="area_warning-自贡-abc",
        status="issued",
        level="orange",
        title_zh="重污染天气预警",
        title_en="heavy air pollution warning",
        subjects=["自贡", "内江", "荣昌"],
        day="2026-11-27",
        evidence=[{"area": "自贡", "target_date": "2026-11-28", "aqi": 320}],
        data_status="preliminary",
        capture_pct=97.5,
        standard="环办大气函〔2018〕875号",
        where=["warehouse table alerts.events"],
    )
    mail = render(n)
    assert mail.subject == "【川南渝西联合预警】橙色 重污染天气预警 — 自贡、内江、荣昌"
    assert mail.text.index("重污染天气预警") < mail.text.index("heavy air pollution warning")
    for part in (mail.text, mail.html):
        assert "area_warning-自贡-abc" in part and "320" in part and "97.5%" in part
        assert "初步" in part and "preliminary" in part  # Chinese first, the English after it
    lifted = render(Notification(**{**n.__dict__, "status": "lifted"}))
    assert lifted.subject.startswith("【川南渝西联合预警】解除 橙色")
