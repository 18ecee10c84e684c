"""Name keys and name search: the time to compute one name's keys, and search at N people vs 1,000.

Run: ``python benchmarks/bench_names.py [--sizes 1000 100000] [--repeat 15]``.

1. Keys: ``name_keys`` for 2,000 distinct synthetic names across scripts (Han, Tibetan, Uyghur
   Arabic and Latin, Khmer, Ge'ez, Latin), caches cleared first; then the same with the keyed
   digests that are stored (``name_digests``). Prints the mean CPU time per name in milliseconds.
2. Search: one SQLite database per size under benchmarks/results/names-N/ (built once, reused):
   N people whose names are drawn with repetition from a pool of 20,000 synthetic names (family
   names weighted so the commonest is held by about 2 % of people, as Wang or Li are; given
   names shared too; no namesake of a target), each indexed by the app's own digests, plus the
   same 12 target people in every database. Times
   ``matching_person_ids`` for queries naming the targets in another script or spelling,
   alternating between sizes query by query, and prints the median per size and the ratio, in
   wall time and in CPU time (steadier on a shared machine).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402 - after the path set-up above
from sqlmodel import SQLModel, func, select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.casework.names import matching_person_ids, name_digests  # noqa: E402
from tracker.db import get_session  # noqa: E402
from tracker.models import Person, PersonNameToken  # noqa: E402
from tracker.names import compare_names, name_keys  # noqa: E402
from tracker.names.compare import _shapes  # noqa: E402
from tracker.names.keys import _fold  # noqa: E402
from tracker.names.readings import readings  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
POOL = 20_000
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕辉鹏飞斌宇浩凯健俊帆帅旭宁"
         "龙林欣怡佳琪梓涵子轩浩然雨萱晨曦思远志永立发家喜全璋天勇智晟文生和平晓波")
TIBETAN = ["བཀྲ་ཤིས", "བསྟན་འཛིན", "ཚེ་རིང", "རྡོ་རྗེ", "སྒྲོལ་མ", "བསོད་ནམས", "བློ་བཟང", "དཔལ་ལྡན", "ཉི་མ",
           "ཟླ་བ", "དོན་གྲུབ", "ཀུན་དགའ", "ལྷ་མོ", "པདྨ", "ཚེ་དབང", "ཡེ་ཤེས", "ཐུབ་བསྟན", "འཇིགས་མེད", "རིན་ཆེན",
           "ནོར་བུ", "ཆོས་འཕེལ", "རྒྱ་མཚོ", "དབང་ཕྱུག", "དབང་ཆེན", "སངས་རྒྱས", "ཤེས་རབ", "བདེ་ཆེན", "ཡང་ཆེན"]
UYGHUR = ["ئىلھام", "تۇرسۇن", "مەمەت", "ئابدۇللا", "ئەركىن", "گۈلنار", "ئەزىز", "ياسىن", "ئەھمەت", "راھىلە",
          "داۋۇت", "قۇربان", "مىھرىگۈل", "زۇلپىيە", "كېرىم", "ئادىل", "پەرھات", "ئابلىمىت", "ھوشۇر", "ئابلا",
          "سەنۇبەر", "نۇرى", "تاھىر", "ھامۇت", "دىلنۇر", "رەيھان", "ئۆمەر", "قادىر", "يالقۇن", "روزى"]
LATIN = ["Tesfay", "Gebru", "Dawit", "Isaak", "Amanuel", "Yohannes", "Jean", "Habimana", "Maria", "Lopez",
         "Sokha", "Chea", "Kem", "Sam", "Rosa", "Martinez", "Paul", "Kizito", "Felix", "Medardo", "Berta", "Soler"]
# People present in every database, and how a caseworker types each (another script or spelling).
TARGETS = [("彭立发", "Peng Lifa"), ("黎智英", "Lai Chee-ying"), ("ئىلھام توختى", "Ilham Tohti"),
           ("བཀྲ་ཤིས་དབང་ཕྱུག", "Tashi Wangchuk"), ("កឹម សុខា", "Kem Sokha"), ("ዳዊት ኢሳቕ", "Dawit Isaak"),
           ("王全璋", "Wang Quanzhang"), ("许志永", "Xu Zhiyong"), ("Gulshan Abbas", "گۈلشەن ئابباس"),
           ("丹增嘉措", "Tenzin Gyatso"), ("黃之鋒", "Wong Chi-fung"), ("陈光诚", "Chen Guangcheng")]


def synthetic_name(rng: random.Random) -> str:
    """One synthetic name in a script drawn like the communities' shares in the demo data."""
    kind = rng.random()
    if kind < 0.45:
        surname = SURNAMES[min(int(rng.paretovariate(0.9)) - 1, len(SURNAMES) - 1)]
        return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if kind < 0.7:
        return f"{rng.choice(UYGHUR)} {rng.choice(UYGHUR)}"
    if kind < 0.85:
        return "་".join((rng.choice(TIBETAN), rng.choice(TIBETAN)))
    return f"{rng.choice(LATIN)} {rng.choice(LATIN)}"


def time_keys(names: list[str]) -> tuple[float, float]:
    """Mean CPU milliseconds per name for its keys, and for its stored digests (caches cleared).

    CPU time of this process, not wall time: the shared machine's load would otherwise count.
    """
    name_keys("王磊 བཀྲ་ཤིས ئىلھام")  # loads the reading libraries first: an import is not a name's cost
    readings.cache_clear()
    _shapes.cache_clear()
    _fold.cache_clear()
    start = time.process_time()
    for name in names:
        name_keys(name)
    keys_ms = (time.process_time() - start) * 1000 / len(names)
    readings.cache_clear()
    start = time.process_time()
    for name in names:
        name_digests([{"name": name}], None)
    return keys_ms, (time.process_time() - start) * 1000 / len(names)


def build(size: int):
    """The app over this size's database, built (people and digests) on first use."""
    folder = RESULTS / f"names-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'tracker.sqlite3'}"}, instance_path=str(folder))
    with app.app_context():
        session = get_session()
        SQLModel.metadata.create_all(session.get_bind())
        if session.exec(select(func.count()).select_from(Person)).one() >= size:
            return app
        rng = random.Random(13)  # noqa: S311 (synthetic benchmark data)  # nosec B311
        # Namesakes of the targets are left out, so each size returns the same people and the
        # ratio measures the search, not a result list that grows with the database.
        pool = [name for name in dict.fromkeys(synthetic_name(rng) for _ in range(POOL * 2))
                if not any(compare_names(name, native) for native, _ in TARGETS)][:POOL]
        digests = {name: sorted(name_digests([{"name": name}], None)) for name in pool}
        names = [n for n, _ in TARGETS] + [rng.choice(pool) for _ in range(size - len(TARGETS))]
        for start in range(0, size, 20_000):
            chunk = names[start:start + 20_000]
            ids = range(start + 1, start + 1 + len(chunk))
            session.execute(insert(Person), [{"id": i, "pseudonym": f"P-N{i:07d}", "citizenships": [],
                                              "target_types": [], "is_group": False, "is_synthetic": True}
                                             for i in ids])
            target_digests = {n: sorted(name_digests([{"name": n}], None)) for n, _ in TARGETS}
            session.execute(insert(PersonNameToken), [
                {"person_id": i, "digest": d} for i, n in zip(ids, chunk, strict=True)
                for d in (digests.get(n) or target_digests[n])])
            session.commit()
            print(f"  names-{size}: {start + len(chunk)} people", flush=True)
    return app


def time_search(apps: dict[int, object], repeat: int) -> dict[str, dict[int, list[float]]]:
    """Wall and CPU milliseconds per search, alternating sizes query by query; checks each target is found.

    SQLite runs inside this process, so CPU time covers the database's work too, without the
    time spent waiting for a core that other jobs on the shared machine hold.
    """
    times: dict[str, dict[int, list[float]]] = {"wall": {size: [] for size in apps}, "cpu": {size: [] for size in apps}}
    for _ in range(repeat):
        for (native, typed), number in zip(TARGETS, range(1, len(TARGETS) + 1), strict=True):
            for size, app in apps.items():
                with app.app_context():
                    session = get_session()
                    wall, cpu = time.perf_counter(), time.process_time()
                    found = matching_person_ids(session, typed)
                    times["cpu"][size].append((time.process_time() - cpu) * 1000)
                    times["wall"][size].append((time.perf_counter() - wall) * 1000)
                    assert number in found, (size, native, typed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(5)  # noqa: S311  # nosec B311
    sample = list(dict.fromkeys(synthetic_name(rng) for _ in range(2_500)))[:2_000] + [n for n, _ in TARGETS]
    apps = {size: build(size) for size in sorted(args.sizes)}
    with next(iter(apps.values())).app_context():
        keys_ms, digests_ms = time_keys(sample)
    print(f"keys for one name: {keys_ms:.3f} ms CPU (with the stored digests: {digests_ms:.3f} ms), "
          f"mean of {len(sample)} names")
    for clock, by_size in time_search(apps, args.repeat).items():
        base = statistics.median(by_size[min(by_size)])
        for size, values in by_size.items():
            median = statistics.median(values)
            print(f"search at {size:>9,} people ({clock}): median {median:.2f} ms, p90 "
                  f"{statistics.quantiles(values, n=10)[-1]:.2f} ms, ratio {median / base:.2f}")


if __name__ == "__main__":
    main()
