"""Write realistic journey maps for the benchmarks into ``benchmarks/out/``.

Sizes (issue 2, point 9):

    S  1 persona,   5 stages,    15 touchpoints   out/s.yaml
    M  3 personas,  6 stages,   120 touchpoints   out/m.yaml
    L  10 personas, 10 stages, 2,000 touchpoints  out/l.yaml
    corpus: 1,000 S maps, each different           out/corpus/0000.yaml ...

Everything is seeded, so two runs write the same bytes, and every map is valid
under ``cjm validate`` (no finding at all): the benchmark measures checking good
maps, which is what CI does all day.

    python benchmarks/generate.py [--out DIR] [--corpus N] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

SIZES = {
    "s": (1, 5, 15),
    "m": (3, 6, 120),
    "l": (10, 10, 2000),
}

FIRST = ["Maya", "Daniel", "Aisha", "Tom", "Lena", "Ravi", "Sofia", "Kenji", "Olu", "Marta", "Jonas", "Priya",
         "Lucas", "Hana", "Omar", "Chloe", "Ivan", "Nora", "Tariq", "Elif"]
LAST = ["Okafor", "Weber", "Khan", "Novak", "Fischer", "Patel", "Rossi", "Tanaka", "Adeyemi", "Lopez",
        "Berg", "Raman", "Silva", "Kim", "Haddad", "Martin", "Petrov", "Lund", "Aziz", "Demir"]
OCCUPATIONS = ["Nursing student", "Management consultant", "Primary school teacher", "Freelance designer",
               "Warehouse supervisor", "Software engineer", "Retired engineer", "Procurement lead",
               "Small shop owner", "Marketing manager", "Head of IT", "Junior accountant"]
CITIES = ["Leeds, UK", "Manchester, UK", "Lyon, France", "Hamburg, Germany", "Porto, Portugal",
          "Kraków, Poland", "Dublin, Ireland", "Utrecht, Netherlands", "Gothenburg, Sweden", "Milan, Italy"]
GENERATIONS = ["Gen Z", "Millennial", "Gen X", "Baby boomer"]
TRAITS = ["thrifty", "decisive", "curious", "cautious", "loyal once won", "impatient", "social",
          "detail-oriented", "comparison shopper", "early adopter", "sceptical", "pragmatic"]
GOALS = ["Get the right product at the lowest total price", "Finish the task in under five minutes",
         "Avoid surprises in delivery dates", "Understand the contract before signing",
         "Get help from a person when stuck", "Re-order what worked last time",
         "Compare options without opening ten tabs", "Keep the team informed of the decision"]
CHALLENGES = ["Tight monthly budget", "Shops on a phone in short bursts", "Sizes differ between brands",
              "Needs sign-off from finance", "Travels three days a week", "Little patience for forms"]
MOTIVATIONS = ["saving money", "convenience", "reliability", "looking good", "peace of mind", "speed"]
INTERESTS = ["running", "cycling", "cooking", "travel", "gaming", "gardening", "podcasts", "photography"]
COLORS = ["#e4572e", "#17bebb", "#ffc914", "#2e282a", "#76b041", "#5d2e8c", "#ff6f59", "#254441",
          "#43aa8b", "#b2b09b"]
STAGE_NAMES = ["Awareness", "Interest", "Consideration", "Evaluation", "Purchase", "Onboarding", "Usage",
               "Support", "Retention", "Advocacy"]
STAGE_GOALS = ["Find out that the offer exists", "Learn whether it fits their needs", "Compare with alternatives",
               "Check the total price and terms", "Buy without friction", "Get value on day one",
               "Use it every week", "Get problems solved fast", "Decide to stay", "Tell others about it"]
QUESTIONS = ["Is this for someone like me?", "How much will it cost in total?", "When will it arrive?",
             "Can I return it for free?", "Who do I call when it breaks?", "Is there a cheaper plan?",
             "What do other customers say?", "How long does set-up take?"]
CHANNELS = [("web", "Website", "online"), ("mobile-app", "Mobile app", "online"), ("email", "Email", "online"),
            ("social", "Social media", "online"), ("search", "Search engines", "online"),
            ("store", "Flagship store", "offline"), ("phone", "Phone support", "offline"),
            ("support-chat", "Support chat", "online")]
TOUCHPOINTS = ["Sees an ad", "Reads a review", "Visits the home page", "Opens a product page", "Compares plans",
               "Adds to cart", "Starts checkout", "Enters payment details", "Gets the confirmation email",
               "Tracks the delivery", "Unboxes the order", "Calls support", "Chats with the bot",
               "Receives a newsletter", "Leaves a review", "Refers a friend", "Renews the plan",
               "Reads the help centre", "Books a demo", "Signs the contract"]
ACTIONS = ["Scrolls the feed and taps the ad", "Reads three reviews before deciding", "Filters by size and price",
           "Types the address on a phone keyboard", "Waits for the page to load", "Copies a discount code",
           "Asks a colleague for an opinion", "Checks the delivery date twice", "Searches the help centre"]
THOUGHTS = ["Is shipping free?", "This is taking too long.", "Nice, that was easy.", "Why do they need my phone number?",
            "I hope it fits.", "Can I trust this shop?", "I'll come back later.", "That answer helped."]
FEELINGS = {-2: "frustrated", -1: "annoyed", 0: "neutral", 1: "pleased", 2: "delighted"}
PAINS = ["Shipping costs appear only at checkout", "Discount code fails without saying why",
         "Page takes more than five seconds to load", "No answer after asking about a product",
         "Returns need a printer", "Password rules are unclear", "Delivery slot cannot be changed",
         "Support replies take two days"]
OPPORTUNITIES = ["Show the total price on the product page", "Explain why a code was refused",
                 "Lazy-load images below the fold", "Answer product questions within an hour",
                 "Offer QR-code returns at the post office", "Show password rules up front",
                 "Let customers change the delivery slot", "Staff the chat at peak hours"]
KPIS = [("conversion-rate", "Visit-to-order conversion rate", "%", "higher-is-better"),
        ("cart-abandonment", "Cart abandonment rate", "%", "lower-is-better"),
        ("csat", "Customer satisfaction (CSAT)", "score 1-5", "higher-is-better"),
        ("nps", "Net promoter score", "points", "higher-is-better"),
        ("response-time", "First response time", "hours", "lower-is-better"),
        ("aov", "Average order value", "EUR", "higher-is-better"),
        ("retention", "12-month retention rate", "%", "higher-is-better"),
        ("ces", "Customer effort score", "score 1-7", "lower-is-better")]
OWNERS = ["Priya Raman, Head of Digital CX", "Tom Novak, Checkout squad", "Lena Fischer, Support lead",
          "Ravi Patel, Growth team", "Marta Rossi, Logistics"]
INDUSTRIES = ["Retail / e-commerce", "B2B SaaS", "Banking", "Travel", "Telecoms", "Insurance"]
MAP_TYPES = ["current-state", "future-state", "service-blueprint", "day-in-the-life"]

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,./()'&%-]*\Z")
_FLOW_SPECIAL = re.compile(r"[,\[\]{}]")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def scalar(value, flow: bool = False) -> str:
    """A YAML scalar for ``value``: plain when that reads back the same, else
    double-quoted. Inside a flow list (``flow``), a comma or bracket would end
    the item, so such text is quoted too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and ": " not in text and " #" not in text \
            and not text.endswith(" ") and not (flow and _FLOW_SPECIAL.search(text)):
        return text
    return json.dumps(text, ensure_ascii=False)


def emit(value, indent: int = 0) -> list[str]:
    """Block-style YAML lines for dicts and lists; short lists of scalars go in flow style."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + 2))
            elif isinstance(item, list) and item and all(isinstance(x, (dict, list)) for x in item):
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + 2))
            elif isinstance(item, list) and sum(len(str(x)) for x in item) < 60:
                lines.append(f"{pad}{key}: [{', '.join(scalar(x, flow=True) for x in item)}]")
            elif isinstance(item, list):
                lines.append(f"{pad}{key}:")
                lines.extend(f"{pad}  - {scalar(x)}" for x in item)
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
    else:
        for item in value:
            sub = emit(item, indent + 2)
            sub[0] = f"{pad}- {sub[0][indent + 2:]}"
            lines.extend(sub)
    return lines


def make_map(rng: random.Random, n_personas: int, n_stages: int, n_touchpoints: int, number: int) -> dict:
    map_type = MAP_TYPES[number % len(MAP_TYPES)]
    personas = []
    for i in range(n_personas):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        personas.append({
            "id": f"persona-{i + 1}",
            "name": f"{first} {last}",
            "segment": f"Segment {chr(65 + i)} ({rng.randint(5, 40)} % of orders)",
            "age": rng.randint(19, 72),
            "occupation": rng.choice(OCCUPATIONS),
            "location": rng.choice(CITIES),
            "generation": rng.choice(GENERATIONS),
            "personality": rng.sample(TRAITS, 3),
            "quote": f"{rng.choice(THOUGHTS)} {rng.choice(THOUGHTS)}",
            "goals": rng.sample(GOALS, 2),
            "challenges": rng.sample(CHALLENGES, 2),
            "pain_points": rng.sample(PAINS, 2),
            "motivations": rng.sample(MOTIVATIONS, 3),
            "interests": rng.sample(INTERESTS, 3),
            "color": COLORS[i % len(COLORS)],
        })
    persona_ids = [p["id"] for p in personas]
    kpis = [{"id": k, "name": name, "unit": unit, "target": rng.randint(20, 90), "actual": rng.randint(10, 95),
             "direction": direction, "source": "Analytics dashboard, last quarter"}
            for k, name, unit, direction in KPIS]
    kpi_ids = [k["id"] for k in kpis]

    # Touchpoints spread over the stages, every stage getting at least one.
    per_stage = [n_touchpoints // n_stages + (1 if s < n_touchpoints % n_stages else 0) for s in range(n_stages)]
    stages, actions, counter = [], [], 0
    all_pains: list[str] = []
    for s in range(n_stages):
        touchpoints = []
        for _ in range(per_stage[s]):
            counter += 1
            tp_id = f"tp-{counter:04d}"
            channel = rng.choice(CHANNELS)
            on_step = persona_ids if n_personas <= 3 else rng.sample(persona_ids, 3)
            tp: dict = {"id": tp_id, "name": rng.choice(TOUCHPOINTS), "channel": channel[0],
                        "action": rng.choice(ACTIONS), "thoughts": rng.sample(THOUGHTS, rng.randint(1, 2))}
            if n_personas > 3:
                tp["personas"] = sorted(on_step)
            if n_personas == 1:
                score = rng.randint(-2, 2)
                tp["emotion"] = score
                tp["feeling"] = FEELINGS[score]
            else:
                tp["emotion"] = {p: rng.randint(-2, 2) for p in sorted(on_step)}
            tp["expectation"] = rng.choice(["exceeded", "met", "failed"])
            if rng.random() < 0.35:
                pain_id = f"pain-{counter:04d}"
                which = rng.randrange(len(PAINS))
                tp["pain_points"] = [{"id": pain_id, "title": PAINS[which],
                                      "severity": rng.choice(["low", "medium", "high", "critical"])}]
                tp["opportunities"] = [{"id": f"opp-{counter:04d}", "title": OPPORTUNITIES[which],
                                        "addresses": [pain_id]}]
                all_pains.append(pain_id)
            if rng.random() < 0.3:
                tp["kpis"] = [rng.choice(kpi_ids)]
            if map_type == "service-blueprint":
                tp["frontstage"] = "Agent greets the customer and checks the order"
                tp["backstage"] = "Warehouse system reserves stock"
                tp["support"] = "Order management system"
            touchpoints.append(tp)
        stages.append({"id": f"stage-{s + 1}", "name": STAGE_NAMES[s % len(STAGE_NAMES)]
                       + ("" if s < len(STAGE_NAMES) else f" {s // len(STAGE_NAMES) + 1}"),
                       "goal": STAGE_GOALS[s % len(STAGE_GOALS)], "questions": rng.sample(QUESTIONS, 2),
                       "kpis": [kpi_ids[s % len(kpi_ids)]], "touchpoints": touchpoints})
    # Branches: a few steps may lead to a later one as well as to the next.
    flat = [tp for st in stages for tp in st["touchpoints"]]
    for i, tp in enumerate(flat[:-2]):
        if rng.random() < 0.1:
            tp["next"] = [flat[i + 1]["id"], flat[i + 2]["id"]]
    for a, pain in enumerate(all_pains[: max(2, len(all_pains) // 5)]):
        actions.append({"id": f"action-{a + 1}", "title": f"Fix {pain}", "owner": rng.choice(OWNERS),
                        "status": rng.choice(["idea", "planned", "in-progress", "done"]), "addresses": [pain],
                        "kpis": [rng.choice(kpi_ids)]})

    return {
        "cjm": 1,
        "kind": "map",
        "id": f"bench-{number:04d}",
        "title": f"Benchmark journey {number} ({n_touchpoints} touchpoints)",
        "goal": "Turn first-time visitors into repeat buyers who recommend us",
        "type": map_type,
        "description": "A generated map for benchmarks: realistic in shape and size, not in content.",
        "industry": rng.choice(INDUSTRIES),
        "market": rng.choice(["b2b", "b2c"]),
        "owner": rng.choice(OWNERS),
        "tags": ["benchmark", f"size-{n_touchpoints}"],
        "scale": {"min": -2, "max": 2, "low_label": "frustrated", "high_label": "delighted"},
        "personas": personas,
        "channels": [{"id": c, "name": n, "mode": m} for c, n, m in CHANNELS],
        "kpis": kpis,
        "stages": stages,
        "actions": actions,
    }


def render(data: dict) -> str:
    return "# Generated by benchmarks/generate.py; do not edit.\n" + "\n".join(emit(data)) + "\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(out: Path = OUT, corpus: int = 1000, seed: int = 2) -> dict[str, Path]:
    written = {}
    for name, (personas, stages, touchpoints) in SIZES.items():
        rng = random.Random(f"{seed}-{name}")
        written[name] = out / f"{name}.yaml"
        write(written[name], render(make_map(rng, personas, stages, touchpoints, 0)))
    corpus_dir = out / "corpus"
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    for i in range(corpus):
        rng = random.Random(f"{seed}-corpus-{i}")
        write(corpus_dir / f"{i:04d}.yaml", render(make_map(rng, *SIZES["s"], i)))
    written["corpus"] = corpus_dir
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--corpus", type=int, default=1000, help="how many S maps in the corpus")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    written = generate(args.out, args.corpus, args.seed)
    for name, path in written.items():
        print(f"{name:7} {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
