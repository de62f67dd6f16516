"""A deterministic demo organisation: a telesales / credit-sales company with realistic patterns.

The generator yields the same inputs the platforms and imports give — employee rows, punch events,
approval events and metric rows — so loading the demo exercises the real ingestion paths.
Everything derives from ``seed``: the same seed, size and end date give the same organisation.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.workcalendar import WorkCalendar
from bot.intake.metrics import MetricRow
from bot.people.directory import EmployeeRow
from bot.pipeline.events import ApprovalChange, AttendancePunch

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳鹏辉浩宇轩博文"  # noqa: E501

SALES_DEPARTMENTS = ("电销一部", "电销二部", "电销三部", "信贷销售一部", "信贷销售二部")
SERVICE_DEPARTMENTS = ("客户服务部", "贷后管理部")
HR_DEPARTMENT = "人力资源部"


@dataclass
class Profile:
    """The hidden pattern behind one employee's generated data."""

    late_night: bool = False  # has late-night streaks
    often_late: bool = False
    declining: bool = False  # metrics fall over the three weeks before ``decline_until``
    decline_until: date | None = None
    leave_days: tuple[date, ...] = ()
    weekend_worker: bool = False
    stress: float = 4.0  # the usual answer to "how much stress" (0–10); the pulse answers vary around it
    answers: float = 0.8  # the chance of answering a pulse at all
    unhappy_from: date | None = None  # from this day on: late nights, low eNPS, fewer answers (then leaves)


@dataclass
class DemoPerson:
    row: EmployeeRow
    profile: Profile = field(default_factory=Profile)
    sales: bool = True


class DemoOrg:
    """A generated organisation of ``size`` people covering ``days`` days up to ``end`` (inclusive)."""

    def __init__(
        self,
        size: int = 300,
        *,
        seed: int = 7,
        days: int = 60,
        end: date,
        calendar: WorkCalendar | None = None,
        tz: str = "Asia/Shanghai",
    ) -> None:
        if size < 10:
            raise ValueError("the demo organisation needs at least 10 people")
        self.size, self.seed, self.days, self.end = size, seed, days, end
        self.start = end - timedelta(days=days - 1)
        self.calendar = calendar or WorkCalendar()
        self.tz = ZoneInfo(tz)
        self.people: list[DemoPerson] = []
        self._build()

    # -- organisation -------------------------------------------------------------------------
    def _name(self, rnd: random.Random, used: set[str]) -> str:
        for _ in range(20):
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
            if name not in used:
                used.add(name)
                return name
        return name  # duplicates are realistic in a large company

    def _build(self) -> None:
        rnd = random.Random(self.seed)
        used: set[str] = set()
        n = 0

        def next_id() -> str:
            nonlocal n
            n += 1
            return f"u{n:06d}"

        def hired(recent: bool) -> date:
            if recent:  # hired during the history (replacing leavers) or in the last three months
                return self.end - timedelta(days=rnd.randint(1, max(95, self.days - 1)))
            return self.end - timedelta(days=rnd.randint(100, 2200))

        def birthday() -> str:
            d = date(2024, 1, 1) + timedelta(days=rnd.randint(0, 365))
            return d.strftime("%m-%d")

        def person(dept: str, manager: str | None, hrbp: str | None, position: str, **kw: object) -> DemoPerson:
            recent = rnd.random() < 0.14
            start = hired(recent)
            row = EmployeeRow(
                userid=next_id(),
                name=self._name(rnd, used),
                department=dept,
                manager_userid=manager,
                hrbp_userid=hrbp,
                hired_on=start,
                probation_ends_on=start + timedelta(days=90) if recent else None,
                birthday=birthday(),
                position=position,
                **kw,  # type: ignore[arg-type]
            )
            return DemoPerson(row=row)

        hr_count = max(2, self.size // 150)
        hr_head = person(HR_DEPARTMENT, None, None, "HR总监", is_hr=True)
        hrbps = [person(HR_DEPARTMENT, hr_head.row.userid, None, "HRBP", is_hr=True) for _ in range(hr_count - 1)]
        self.people += [hr_head, *hrbps]
        departments = SALES_DEPARTMENTS + SERVICE_DEPARTMENTS
        remaining = self.size - len(self.people)
        per_dept = [remaining // len(departments) + (1 if i < remaining % len(departments) else 0) for i in range(7)]
        for i, (dept, count) in enumerate(zip(departments, per_dept, strict=True)):
            if count <= 0:
                continue
            hrbp = (hrbps or [hr_head])[i % len(hrbps or [hr_head])].row.userid
            head = person(dept, None, hrbp, "部门经理")
            self.people.append(head)
            members = count - 1
            lead: DemoPerson | None = None
            for j in range(members):
                if j % 10 == 0 and members - j > 3:
                    lead = person(dept, head.row.userid, hrbp, "组长")
                    lead.sales = dept in SALES_DEPARTMENTS
                    self.people.append(lead)
                    continue
                p = person(
                    dept, (lead or head).row.userid, hrbp, "销售专员" if dept in SALES_DEPARTMENTS else "客服专员"
                )
                p.sales = dept in SALES_DEPARTMENTS
                self.people.append(p)
        self._profiles(rnd)

    def _profiles(self, rnd: random.Random) -> None:
        workdays = [d for d, k in self.calendar.days(self.start, self.end) if k == "workday"]
        for p in self.people:
            pr = p.profile
            pr.late_night = rnd.random() < 0.07
            pr.often_late = rnd.random() < 0.07
            pr.declining = p.sales and rnd.random() < 0.10
            if pr.declining:  # most dips are recent, some came and went earlier in the history
                back = 0 if rnd.random() < 0.5 else rnd.randint(21, max(22, self.days - 1))
                pr.decline_until = self.end - timedelta(days=back)
            pr.weekend_worker = rnd.random() < 0.05
            pr.stress = min(9.0, max(1.0, rnd.gauss(4.2, 1.4) + (2.5 if pr.late_night else 0.0)))
            pr.answers = 0.85 if rnd.random() < 0.8 else 0.45
            if rnd.random() < 0.04 and len(workdays) > 5:
                first = rnd.randrange(len(workdays) - 5)
                pr.leave_days = tuple(workdays[first : first + rnd.randint(1, 5)])
        self._leavers(rnd)

    def _leavers(self, rnd: random.Random) -> None:
        """Turnover at the industry's rates: telesales ~30 %/year, service ~18 %, team leads ~8 %."""
        annual = {"销售专员": 0.30, "客服专员": 0.18, "组长": 0.08}
        share = self.days / 365
        for p in self.people:
            rate = annual.get(p.row.position or "")
            hired = p.row.hired_on or self.start
            earliest = max(self.start, hired + timedelta(days=20)) + timedelta(days=1)
            if rate is None or earliest >= self.end or rnd.random() >= 1 - (1 - rate) ** share:
                continue
            left = earliest + timedelta(days=rnd.randint(0, (self.end - earliest).days))
            reason = "voluntary" if rnd.random() < 0.78 else "involuntary"
            p.row = p.row.model_copy(update={"left_on": left, "leave_reason": reason})
            if reason == "voluntary" and rnd.random() < 0.7:
                # Most who resign showed it for weeks: long evenings, falling numbers, silence.
                p.profile.unhappy_from = max(hired, left - timedelta(days=rnd.randint(21, 60)))
                p.profile.late_night = p.profile.late_night or rnd.random() < 0.5
                if p.sales and rnd.random() < 0.6:
                    p.profile.declining, p.profile.decline_until = True, left - timedelta(days=1)

    # -- the inputs ---------------------------------------------------------------------------
    def employees(self) -> list[EmployeeRow]:
        """Employee rows as an HRIS CSV would give them."""
        return [p.row for p in self.people]

    def _local(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, self.tz)

    def punches(self) -> Iterator[AttendancePunch]:
        """Clock-in and clock-out events, day by day, as the platform would push them."""
        kinds = self.calendar.days(self.start, self.end)
        for idx, p in enumerate(self.people):
            rnd = random.Random(f"{self.seed}:punch:{idx}")
            streak = 0
            for day, kind in kinds:
                if p.row.left_on and day >= p.row.left_on:
                    break
                if p.row.hired_on and day < p.row.hired_on:
                    continue
                if day in p.profile.leave_days:
                    continue
                if kind != "workday" and not (p.profile.weekend_worker and rnd.random() < 0.3):
                    continue
                if rnd.random() < 0.01:  # a forgotten punch now and then
                    continue
                if p.profile.often_late and rnd.random() < 0.5:
                    in_min = 9 * 60 + rnd.randint(5, 45)
                else:
                    in_min = 8 * 60 + rnd.randint(25, 59)
                unhappy = p.profile.unhappy_from is not None and day >= p.profile.unhappy_from
                if (p.profile.late_night or unhappy) and streak == 0 and rnd.random() < (0.5 if unhappy else 0.25):
                    streak = rnd.randint(3, 5)
                if streak > 0 and kind == "workday":
                    streak -= 1
                    out_min = 21 * 60 + rnd.randint(5, 200)  # may pass midnight
                else:
                    out_min = 18 * 60 + rnd.randint(0, 90)
                base = self._local(day, time(0, 0))
                yield AttendancePunch(
                    platform="demo",
                    userid=p.row.userid,
                    punched_at=base + timedelta(minutes=in_min, seconds=rnd.randint(0, 59)),
                    check_type="on",
                    source_ref=f"demo-{idx}-{day.isoformat()}-in",
                )
                yield AttendancePunch(
                    platform="demo",
                    userid=p.row.userid,
                    punched_at=base + timedelta(minutes=out_min, seconds=rnd.randint(0, 59)),
                    check_type="off",
                    source_ref=f"demo-{idx}-{day.isoformat()}-out",
                )

    def approvals(self) -> Iterator[ApprovalChange]:
        """Approved leave covering each person's leave days."""
        for p in self.people:
            days = p.profile.leave_days
            if not days:
                continue
            yield ApprovalChange(
                platform="demo",
                userid=p.row.userid,
                kind="leave",
                status="approved",
                source_key=f"demo-leave-{p.row.userid}-{days[0].isoformat()}",
                starts_at=self._local(days[0], time(9, 0)),
                ends_at=self._local(days[-1], time(18, 0)),
                detail={"reason": "年假"},
            )

    def metrics(self) -> Iterator[MetricRow]:
        """Daily CRM metrics for sales staff: calls, rejection rate, sales; some decline lately."""
        for idx, p in enumerate(self.people):
            if not p.sales or p.row.position not in ("销售专员", "组长"):
                continue
            rnd = random.Random(f"{self.seed}:metric:{idx}")
            calls_base = rnd.gauss(110, 15)
            sales_base = rnd.gauss(5200, 900)
            for day, kind in self.calendar.days(self.start, self.end):
                if kind != "workday" or day in p.profile.leave_days:
                    continue
                if (p.row.left_on and day >= p.row.left_on) or (p.row.hired_on and day < p.row.hired_on):
                    continue
                factor = 1.0
                until = p.profile.decline_until
                if p.profile.declining and until is not None and until - timedelta(days=20) <= day <= until:
                    factor = 0.80 ** (3 - (until - day).days // 7)  # about −20 % a week for three weeks
                calls = max(0.0, rnd.gauss(calls_base, 8) * factor)
                rejection = min(0.95, max(0.05, rnd.gauss(0.28, 0.05) / max(factor, 0.5)))
                yield MetricRow(userid=p.row.userid, metric="calls", date=day, value=round(calls))
                yield MetricRow(userid=p.row.userid, metric="rejection_rate", date=day, value=round(rejection, 3))
                yield MetricRow(
                    userid=p.row.userid,
                    metric="sales",
                    date=day,
                    value=round(max(0.0, rnd.gauss(sales_base, 600) * factor)),
                )
