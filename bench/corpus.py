"""Corpora for the benchmark: the real articles, and a generated news stream of any size.

The generator writes short wire-style articles (a headline and seven or eight one-sentence
paragraphs, about 150 spaCy tokens) about states, their leaders and ministers, armed groups,
international organisations, meetings and agreements. Actors, towns, meetings and agreements are
drawn from pools that grow as a real news stream's do (a Pitman-Yor process: the n-th article
meets a new person with a probability that falls like n^-0.4, and otherwise one seen before,
in proportion to how often they were seen), so new actors keep appearing and old ones recur.
The same seed gives the same corpus.

    python bench/corpus.py --size 1000 --out /tmp/corpus-1000.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LEXICON = ROOT / "ontology" / "lexicon"

FIRST = ("Ahmed Omar Yusuf Ali Hassan Karim Samir Nadia Leila Amira Fatima Ivan Sergei Dmitri Olga Anna "
         "Maria Elena Jean Pierre Claire Hans Greta Klaus Pedro Lucia Carlos Ana Kenji Yuki Hiro Mei Li Wei "
         "Arjun Priya Ravi Kofi Ama Kwame Amina Musa Ibrahim Tariq Yasmin Emre Ayse Mehmet Zeynep Daniel "
         "Sarah David Rachel Thomas Emma Lars Ingrid Pavel Milan Jana Goran Vesna Andres Sofia").split()
ONSETS = "b d f g h k l m n p r s t v z ch sh kh br dr gr kr tr st".split()
VOWELS = "a e i o u a e o ai ou".split()
CODAS = ["", "", "n", "r", "l", "s", "m", "k", "v", "sh", "d"]
ENDINGS = ["ov", "ev", "ski", "ian", "oglu", "ani", "ez", "son", "berg", "ić", "enko", "ara", "i", "o", "ard", "ah"]
TOWN_ENDINGS = ["abad", "grad", "pur", "ville", "burg", "stan", "ia", "a", "ino", "or", "el", "ara"]

ROLES = ["President", "Prime Minister", "Foreign Minister", "Defence Minister", "Interior Minister"]
AGREEMENTS = ["Agreement", "Accord", "Ceasefire", "Peace Agreement", "Memorandum", "Declaration"]
EVENTS = ["Summit", "Conference", "Peace Talks", "Forum", "Security Conference"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# Reporting that states no relation: the context, figures and colour around the news in a real
# article. The "news" profile pads each article with it to the size and relation density of the
# sample news articles (about 550 tokens and 16 extracted relations per 1,000 tokens); the "dense"
# profile leaves it out, so that every other sentence states a relation (a stress test).
CONTEXT = [
    "Residents of {town} described long queues for bread and fuel, and several schools have been closed since {month}.",
    "The United Nations estimates that {n},000 people in the region need humanitarian assistance, up from last year.",
    "Prices of basic goods in {capital} have risen by {pct} percent since the start of the year, according to the central bank.",
    "The road between {town} and {town2} was closed on {day} after heavy rain washed away a bridge.",
    "Local officials said {small} people had been injured in the fighting and taken to hospitals in {town2}.",
    "The region has been unstable for more than a decade, and earlier rounds of negotiations collapsed within weeks.",
    "Journalists were not allowed to enter {town}, and the figures could not be independently verified.",
    "Electricity and water supplies were restored to parts of {town} on {day}, the provincial governor's office said.",
    "The economy of {country} has contracted for three years in a row, and its currency lost a third of its value in {month}.",
    "Witnesses said gunfire could be heard overnight on the outskirts of {town}.",
    "Hospitals in the area are short of medicines, doctors told reporters by telephone.",
    "Several thousand people gathered in the centre of {capital} on {day} to mark the anniversary of the war.",
    "A spokesman for the interior ministry declined to comment on the reports.",
    "Satellite images published on {day} showed damage to dozens of buildings near the airport of {town}.",
    "Farmers in the province have been unable to harvest their crops because of landmines left in the fields.",
    "The parliament in {capital} is due to debate the budget next week, and elections are scheduled for {month}.",
    "More than {n},000 refugees have crossed into neighbouring countries since {month}, according to aid groups.",
    "Fuel shortages have forced many bakeries in {town} to close, residents said.",
    "Mobile phone networks in {town2} have been down for most of the week, making it hard to reach people there.",
    "The country's harvest is expected to be the smallest in twenty years after a long drought.",
    "Teachers in {capital} went on strike in {month} over unpaid salaries, and many classrooms are still empty.",
    "The old city of {town} was once a busy trading hub on the road to the coast.",
    "Officials in {town2} said {small} people were still missing after a building collapsed in the shelling.",
    "The price of bread in {town} has doubled since {month}, and queues form before dawn.",
    "Rights groups have called for an independent inquiry into the deaths of {small} civilians in {town2}.",
    "The port of {town2} reopened on {day} after being closed for a month, allowing food shipments to resume.",
]


def _tsv(name: str, column: int = 0) -> list[list[str]]:
    rows = []
    for line in (LEXICON / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


class Pool:
    """A Pitman-Yor urn: ``draw()`` returns a new item (from ``make``) or a known one by popularity."""

    def __init__(self, rng: random.Random, make, theta: float = 5.0, discount: float = 0.6):
        self.rng, self.make, self.theta, self.discount = rng, make, theta, discount
        self.items: list = []
        self.counts: list[int] = []
        self.total = 0

    def draw(self, exclude=()):
        for _ in range(20):
            k = len(self.items)
            p_new = (self.theta + self.discount * k) / (self.total + self.theta)
            if not self.items or self.rng.random() < p_new:
                item = self.make()
                if item in self.items:
                    continue
                self.items.append(item)
                self.counts.append(0)
                i = k
            else:
                weights = [c - self.discount for c in self.counts]
                i = self.rng.choices(range(k), weights=weights)[0]
            if self.items[i] in exclude:
                continue
            self.counts[i] += 1
            self.total += 1
            return self.items[i]
        return self.make()


PROFILES = ("news", "dense")


class NewsStream:
    def __init__(self, seed: int = 5, profile: str = "news"):
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
        self.profile = profile
        rng = self.rng = random.Random(seed)
        countries = [row for row in _tsv("countries.tsv") if len(row) > 4 and row[3] and row[4]]
        # Some states are in the news far more than others (a Zipf law over the lexicon's order, shuffled once).
        rng.shuffle(countries)
        self.countries = countries
        self.country_weights = [1 / (i + 1) for i in range(len(countries))]
        self.groups = [row[0] for row in _tsv("armed_groups.tsv")][:60]
        self.orgs = ["United Nations", "NATO", "European Union", "African Union", "Arab League",
                     "UN Security Council", "International Criminal Court", "World Food Programme"]
        self.people = Pool(rng, self._person, theta=10.0, discount=0.6)
        self.towns = Pool(rng, self._town, theta=10.0, discount=0.6)
        self.agreements = Pool(rng, lambda: f"{self.towns.draw()} {rng.choice(AGREEMENTS)}", 5.0, 0.5)
        self.events = Pool(rng, lambda: f"{self.towns.draw()} {rng.choice(EVENTS)}", 5.0, 0.5)
        self.day = date(2020, 1, 1)

    def _word(self, syllables: int) -> str:
        rng = self.rng
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))
        return word.capitalize()

    def _person(self) -> tuple[str, str, tuple]:
        country = self.country()
        name = f"{self.rng.choice(FIRST)} {self._word(self.rng.randint(1, 2))}{self.rng.choice(ENDINGS)}"
        return name, self.rng.choice(ROLES), tuple(country)

    def _town(self) -> str:
        return self._word(self.rng.randint(1, 2)) + self.rng.choice(TOWN_ENDINGS)

    def country(self, exclude=()) -> list[str]:
        while True:
            row = self.rng.choices(self.countries, weights=self.country_weights)[0]
            if row[1] not in exclude:
                return row

    def article(self, n: int) -> dict:
        rng = self.rng
        a, b = self.country(), None
        b = self.country(exclude=(a[1],))
        p1 = self.people.draw()
        p2 = self.people.draw(exclude=(p1,))
        group = rng.choice(self.groups)
        org = rng.choice(self.orgs)
        deal = self.agreements.draw()
        meeting = self.events.draw()
        town = self.towns.draw()
        demonym = a[3].split("|")[0]
        name1, role1, c1 = p1
        name2, role2, c2 = p2
        c1_dem = c1[3].split("|")[0]
        c2_dem = c2[3].split("|")[0]
        day = rng.choice(WEEKDAYS)
        capital = a[4].split("|")[0]
        paragraphs = [
            f"{name1}, the {c1_dem} {role1}, met {name2}, the {c2_dem} {role2}, at the {meeting} on {day}.",
            f"{a[1]} backs the {b[1]} government in its fight against {group}, {name1} said.",
            f"Both sides signed the {deal} in {town}, which sets out a timetable for talks on a ceasefire.",
            f"{capital} condemned the attacks by {group} near {town} and called for calm.",
            f"The {org} welcomed the {deal} and urged {b[1]} to protect civilians.",
            f"{demonym} troops will support the {org} mission in {town}, officials said.",
        ]
        chosen = paragraphs[:2] + rng.sample(paragraphs[2:], rng.randint(3, 4))
        background = [
            f"The meeting came after weeks of clashes near {town}, which have displaced thousands of people.",
            f"Aid agencies say more than {rng.randint(2, 90)},000 families have fled their homes since the start of the year.",
                    f"Analysts in {capital} said the agreement would be hard to enforce without monitors on the ground.",
        ]
        chosen[2:2] = rng.sample(background, 2)
        if self.profile == "news":
            chosen = self._with_context(chosen, town, capital, a[1])
        headline = rng.choice([f"{a[1]} and {b[1]} sign {deal}", f"{name1} meets {name2} at {meeting}",
                               f"{group} attacks condemned as {meeting} opens"])
        self.day += timedelta(hours=rng.randint(1, 6))
        text = headline + "\n\n" + "\n\n".join(chosen) + "\n"
        return {"text": text, "title": headline, "date": self.day.isoformat(),
                "url": f"https://news.example.org/{self.day.isoformat()}/{n}", "source": "Generated Wire"}


    def _with_context(self, paragraphs: list[str], town: str, capital: str, country: str) -> list[str]:
        """The relation paragraphs spread among paragraphs of two or three context sentences."""
        rng = self.rng
        values = {"town": town, "town2": self.towns.draw(), "capital": capital, "country": country,
                  "day": rng.choice(WEEKDAYS), "month": rng.choice(MONTHS), "n": rng.randint(2, 900),
                  "small": rng.randint(3, 90), "pct": rng.randint(5, 60)}
        sentences = [template.format(**values) for template in rng.sample(CONTEXT, rng.randint(13, 17))]
        context = []
        while sentences:
            take = rng.randint(2, 3)
            context.append(" ".join(sentences[:take]))
            sentences = sentences[take:]
        merged = paragraphs[:2]  # the lead stays on top, as in a wire story
        for paragraph in paragraphs[2:]:
            merged += [context.pop(0)] if context else []
            merged.append(paragraph)
        return merged + context


def generated(size: int, seed: int = 5, profile: str = "news") -> list[dict]:
    """``size`` articles of the stream; the same seed and profile give the same articles."""
    stream = NewsStream(seed, profile)
    return [stream.article(n) for n in range(size)]


def real_articles() -> list[dict]:
    """The real texts: the five seed articles and the 45 re3d documents (shared/)."""
    records = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        records.append({"text": text, "title": text.splitlines()[0][:200], "source": "seeds"})
    for folder in sorted((SHARED / "re3d").iterdir()):
        documents = folder / "documents.json"
        if documents.is_file():
            for line in documents.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                records.append({"text": row["text"], "title": row.get("title"), "url": row.get("sourceUrl"),
                                "source": row.get("sourceName")})
    return records


def write_jsonl(records: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", choices=PROFILES, default="news",
                        help="news: the size and relation density of the sample news; dense: a relation in every other sentence")
    parser.add_argument("--real", action="store_true", help="write the 50 real articles instead")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    records = real_articles() if args.real else generated(args.size, args.seed, args.profile)
    write_jsonl(records, args.out)
    print(f"wrote {len(records)} articles to {args.out}")


if __name__ == "__main__":
    main()
