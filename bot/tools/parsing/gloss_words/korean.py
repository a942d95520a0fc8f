"""The words ``gloss`` reads as English in Korean requests.

Korean puts spaces between words but writes its particles onto them ("StatefulSet으로",
"Secret에서", "포트는"), so ``gloss`` first spaces Hangul apart from Latin letters, digits and code
spans; a particle left standing alone after the nouns are replaced is dropped, and the ones that
carry a fact ("에서": from, "에 마운트": mounted at) are read as English.
"""

from __future__ import annotations

from bot.tools.parsing.gloss_words.common import CODE, KINDS, Lexicon

# The particles a noun carries: topic, subject, object, possessive, place, means, "only", "also".
_PARTICLE = (
    r"(?:에서만|에서는|에서도|에서|으로는|으로만|으로|로는|로만|로|에는|에만|에도|에게|에|의|은|는|"
    r"이|가|을|를|와|과|도|만|까지|부터|이랑|랑)"
)

KOREAN: Lexicon = (
    # "`VAR` 는 이미 만들어 둔 Secret `s` 의 `k` 키에서": the variable, then where it comes from.
    (
        rf"({CODE})\s*(?:은|는|이|가)?\s*(?:이미\s*(?:만들어\s*(?:둔|놓은)|있는|생성(?:된|한)|"
        rf"만든)\s*|기존(?:의|에)?\s*)?(?:Secret|시크릿)\s*({CODE})\s*의\s*(?:키\s*)?({CODE})\s*"
        rf"(?:키)?\s*(?:에서|로부터|값)",
        r" \1 from the existing Secret \2, key \3 ",
    ),
    (rf"({CODE})\s*(?:에|으로|로)\s*마운트", r" mounted at \1 "),
    (rf"({CODE})\s*(?:을|를)?\s*실행", r" running \1 "),
    # "Ingress/LoadBalancer는 필요 없습니다": what is not wanted comes before "not needed".
    (
        r"([A-Za-z][\w/+.-]*(?:\s*\([^()\n]*\))?(?:\s*(?:이나|나|또는|혹은|와|과|,)\s*[A-Za-z][\w/+.-]*)*)"
        r"\s*(?:은|는|이|가|도)?\s*(?:따로\s*|별도로\s*)?"
        r"(?:필요\s*없|필요하지\s*않|쓰지\s*않|사용하지\s*않|만들지\s*않)\w*",
        r" no \1 ",
    ),
    (rf"\b({KINDS})\s*(?:으로|로)(?![가-힣])", r" as a \1 "),
    (r"(\d+)\s*(?:개|대|台)(?![가-힣])", r"\1 "),
    (r"(\d+)\s*초(?:로|가|는|를)?(?![가-힣])", r"\1 seconds "),
    (r"(\d+)\s*분\s*마다", r" every \1 minutes "),
    (r"(\d+)\s*시간\s*마다", r" every \1 hours "),
    (r"\s(?:이나|나|또는|혹은)\s", " or "),
    (r"레플리카|리플리카|복제본|replica\s*수", " replicas "),
    (r"이름", " name "),
    (r"연결(?:합니다|해요|하고|하며|해|하는|할)?", " connects to "),
    (r"컴포넌트", " component "),
    (r"컨테이너", " container "),
    (r"서비스", " service "),
    (r"포트", " port "),
    (r"이미지", " image "),
    (r"인자|인수|아규먼트", " args "),
    (r"명령어?|커맨드", " command "),
    (r"환경\s*변수", " environment variables "),
    (r"헬스\s*체크|상태\s*확인|헬스\s*체크", " health check "),
    (r"레디니스\s*프로브?|준비\s*상태\s*프로브", " readiness probe "),
    (r"라이브니스\s*프로브?|활성\s*프로브", " liveness probe "),
    (r"리소스", " resources "),
    (r"요청", " requests "),
    (r"제한|리밋|상한", " limit "),
    (r"메모리", " memory "),
    (r"스토리지\s*클래스", " storage class "),
    (r"영구\s*(?:볼륨|저장소|스토리지)", " persistent volume "),
    (r"볼륨", " volume "),
    (r"마운트", " mount "),
    (r"시크릿", " Secret "),
    (r"비밀번호|패스워드|암호", " password "),
    (r"이미\s*(?:만들어\s*(?:둔|놓은)|있는|생성(?:된|한))|기존(?:의|에)?", " existing "),
    (r"외부(?:의)?", " external "),
    (r"데이터베이스", " database "),
    (r"도메인", " host "),
    (r"호스트", " host "),
    (r"경로", " path "),
    (r"크론\s*잡|크론\s*작업|정기\s*작업", " cron job "),
    (r"매일\s*밤", " every night "),
    (r"매일", " daily "),
    (r"매주", " weekly "),
    (r"매시간?", " hourly "),
    (r"매월|매달", " monthly "),
    (r"타임\s*존|시간대", " time zone "),
    (r"노드\s*셀렉터", " nodeSelector "),
    (r"톨러레이션", " toleration "),
    (r"모든\s*노드", " every node "),
    (r"노드", " node "),
    (r"데이터", " data "),
    (r"사용자", " user "),
    (r"그리고|및", " and "),
    (rf"(?<=`)\s*(?:와|과|랑|이랑)\s*(?={CODE})", " and "),
    # A particle left standing alone once its noun is English carries nothing more.
    (r"(?<=[\sA-Za-z0-9`)])\s*(?:에서|로부터)(?=[\s.,:;)]|$)", " from "),
    (rf"(?<=[\sA-Za-z0-9`)])\s*{_PARTICLE}(?=[\s.,:;)]|$)", " "),
    (r"입니다|합니다|습니다|해\s*주세요|부탁드립니다", " "),
)
