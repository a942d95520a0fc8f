"""The words ``gloss`` reads as English in Ukrainian requests.

Ukrainian shares Russian's script but not its words ("наявний Secret", "образ", "пам'яті"); it
is told from Russian by the letters only it writes (і, ї, є, ґ).
"""

from __future__ import annotations

from bot.tools.parsing.gloss_words.common import Lexicon

_CHART = r"чарт(?:а|і|ом|у)?|чарту"
_SECRET = r"секрет(?:а|і|ом|у|и|ів)?|Secret(?:а|і|ом|у|и|ів)?"
_ADJ = r"(?:ий|ого|ому|им|а|ої|ій|у|і|их|е)"

UKRAINIAN: Lexicon = (
    (rf"наявн{_ADJ}\s+(?:{_SECRET})", "existing Secret"),
    (rf"наявн{_ADJ}", "existing"),
    (r"вже\s+(?:є|існує|створен[оаи]?)", "already exists"),
    (rf"TLS[- ](?:{_SECRET})|(?:{_SECRET})\s+TLS", "TLS secret"),
    (rf"(?:брати|взяти|береться|беруться)?\s*з\s+(?:existing\s+)?(?:{_SECRET})", "from the Secret"),
    (rf"(?:{_SECRET})", "Secret"),
    # "`SECRET` (ключ Django)": the Django key, a description; "ключ `secret`": the Secret's key
    (r"ключ(?:а|ем)?\s+([A-Z][\w-]+)(?!`)", r"\1 key"),
    (r"ключ(?:а|ем)?", "key"),
    (rf"(?:розгорнути\s+)?разом\s+із\s+(?:{_CHART})|у\s+складі\s+(?:{_CHART})", "inside the chart"),
    (rf"(не)\s+(?:має|мають|повинн\w*)\s+бути\s+в\s+(?:{_CHART})", r"is \1 part of the chart"),
    (rf"в\s+(?:{_CHART})", "in the chart"),
    (rf"Helm[- ](?:{_CHART})", "Helm chart"),
    (rf"{_CHART}", "chart"),
    (r"поза\s+кластером", "outside the cluster"),
    (r"в\s+кластер(?:і)?", "in the cluster"),
    (r"кластер(?:а|і|ом|у)?", "cluster"),
    (r"(?:одна|один|одну)(?=\s+реплік)", "one"),
    (r"реплік(?:и|ами|ах)", "replicas"),
    (r"реплік[аиу]|реплікою", "replica"),
    (r"слуха(?:є|ють)\s+(?:на\s+)?порт(?:у|і)?", "listens on port"),
    (r"порт(?:у|і|ом|и|ів)?", "port"),
    (r"типу", "of type"),
    (r"образ(?:у|ом|и|ів)?", "image"),
    (r"змінні\s+середовища|змінн(?:і|их)\s+оточення", "environment variables"),
    (r"змінн(?:а|і|их)", "variables"),
    (r"перевірк(?:и|а)\s+стану", "health checks"),
    (r"ресурс(?:и|ів)", "resources"),
    (r"пам'?[яї]т(?:і|ь)|пам’ят(?:і|ь)", "memory"),
    (r"ліміт(?:и|у)?", "limit"),
    (r"запит(?:и|ів)", "requests"),
    (r"том(?:у|і|ом)?\s+на", "volume of"),
    (r"том(?:у|і|ом|и)?", "volume"),
    (r"клас(?:у|ом)?", "class"),
    (r"верс(?:ія|ії|ією)", "version"),
    (r"хост(?:а|і|ом)?", "host"),
    (r"застосун(?:ок|ку|ком)", "application"),
    (
        r"під'?єднується\s+через|під’єднується\s+через|знаходить\s+(?:його|її)\s+через",
        "connects via",
    ),
    (r"пароль", "password"),
    (r"який\s+створить\s+сама\s+база", "that the bundled database creates"),
    (r"баз(?:а|и|і|у|ою)\s+даних|баз(?:а|и|і|у|ою)", "database"),
    (r"(?:не\s+потрібен|не\s+потрібна|не\s+потрібно|не\s+потрібні)", "not needed"),
    (r"теж|також", "also"),
    (r"без", "without"),
    (r"не", "not"),
    (r"на", "on"),
    (r"і|й|та", "and"),
    (r"з|із", "from"),
    (r"у|в", "in"),
)
