"""How helm-bot reads a request, rule by rule, with phrasings that are not in the corpus.

Each test states one general reading rule (how a platform engineer reads such a sentence) and
checks it on a request written for the test: the fidelity corpus measures the rules on real
requests, these tests pin each rule down so that a change that breaks one says which.
"""

from __future__ import annotations

import unicodedata

import pytest

from bot.tools.datastores import DATASTORES
from bot.tools.models import Dependency, Volume
from bot.tools.parsing.context import without_attempts, without_logs
from bot.tools.parsing.gloss import gloss, language
from bot.tools.planning.dependencies import pick_tag
from bot.tools.requirements import parse_requirements, redact_secrets
from bot.tools.values_layout.claims import share_claims
from tests.reading_helpers import env_of, part, secrets_of

APP = "Deploy ghcr.io/acme/shop:2.3.1 on port 8080. "


# ----------------------------------------------------------------------------- other languages


def test_language_is_told_by_function_words_and_scripts() -> None:
    assert (
        language("Wir brauchen das Image und die Datenbank für unser Team, bitte mit TLS.") == "de"
    )
    assert language("Nous voulons la base de données et une réplique pour notre équipe.") == "fr"
    assert language("我们需要把服务迁移到集群里面，请帮忙写一个图表，谢谢大家的帮助。") == "zh"
    assert language("Deploy the API with two replicas, please.") == "en"


def test_cjk_punctuation_and_vocabulary_are_read_as_english() -> None:
    text = "镜像：`acme/api:1.2`，端口：9000 和 9001，2 个副本。"
    glossed = gloss(text)
    assert "image" in glossed and "port" in glossed and "replicas" in glossed
    req = parse_requirements(text)
    assert req.image is not None and req.image.reference == "acme/api:1.2"
    assert sorted(p.port for p in req.ports) == [9000, 9001]
    assert req.replicas is not None and req.replicas.min == 2


def test_japanese_topic_particle_reads_as_is() -> None:
    req = parse_requirements(
        "アプリのイメージは `acme/board:4.0.1`、ポートは 7000 です。レプリカ数は 3 です。"
    )
    assert [p.port for p in req.ports] == [7000]
    assert req.replicas is not None and req.replicas.min == req.replicas.max == 3


def test_european_requests_name_replicas_databases_and_existing_secrets() -> None:
    req = parse_requirements(
        "Hola. Imagen `acme/tienda:3.1.0`, puerto 8000, una réplica. La base de datos "
        "PostgreSQL ya existe fuera del clúster. La contraseña (`DB_PASSWORD`) está en el "
        "Secret existente `tienda-db`, clave `password`."
    )
    assert req.image is not None and req.image.tag == "3.1.0"
    assert req.replicas is not None and req.replicas.max == 1
    assert req.dependencies and all(d.external for d in req.dependencies)
    assert secrets_of(req)["DB_PASSWORD"] == ("tienda-db", "password")


def test_italian_dutch_and_swedish_requests_are_told_and_read_as_english() -> None:
    requests = {
        "it": (
            "Ciao, l'immagine è `acme/negozio:3.1.0` e ascolta sulla porta 8000, con due "
            "repliche. La password del database (`DB_PASSWORD`) è già in un Secret esistente che "
            "si chiama `negozio-db`, dalla chiave `password`. Il database NON va nel chart."
        ),
        "nl": (
            "Hoi! De image is `acme/negozio:3.1.0`, luistert op poort 8000, twee replica's. Het "
            "wachtwoord (`DB_PASSWORD`) staat in een bestaande Secret `negozio-db`, sleutel "
            "`password`. Onze PostgreSQL hoort niet in de chart."
        ),
        "sv": (
            "Hej! Imagen är `acme/negozio:3.1.0`, lyssnar på port 8000, två repliker. "
            "Lösenordet (`DB_PASSWORD`) hämtas från den befintliga hemligheten `negozio-db`, "
            "nyckel `password`. Vår PostgreSQL ska inte ingå i chartet."
        ),
    }
    for lang, text in requests.items():
        assert language(text) == lang
        glossed = gloss(text)
        assert "listens on port 8000" in glossed and "replicas" in glossed
        assert "existing Secret" in glossed and "key `password`" in glossed
        assert "not part of the chart" in glossed.lower()
        req = parse_requirements(text)
        assert req.image is not None and req.image.tag == "3.1.0"
        assert [p.port for p in req.ports] == [8000]
        assert req.replicas is not None and req.replicas.min == req.replicas.max == 2
        assert secrets_of(req)["DB_PASSWORD"] == ("negozio-db", "password")
    # A sentence still starts with a capital; a stressed word stays stressed.
    assert gloss(requests["it"]).startswith("Hi, the image is `acme/negozio:3.1.0`")
    assert "We do NOT use" in gloss("Hej! Vi använder INTE den inbyggda databasen, tack.")
    # Their function words do not make an English request one of theirs.
    assert language("Run one pod per node as non-root, and keep the data on the node.") == "en"


def test_polish_russian_norwegian_danish_and_turkish_requests_are_told_and_read() -> None:
    requests = {
        "pl": (
            "Cześć! Potrzebuję charta Helm dla naszego serwisu zamówień.\n"
            "- obraz `acme/orders:4.2.0`, słucha na porcie 8080\n- 3 repliki\n"
            "- hasło do bazy (`DB_PASSWORD`) z istniejącego Secretu `orders-db`, klucz "
            "`password`\n- wolumen 20Gi w `/var/lib/orders`, storage class `fast-ssd`\n"
            "- zasoby: requests 250m CPU / 512Mi, limit pamięci 1Gi\n"
            "- Ingress: host `orders.example.pl`, klasa `nginx`, secret TLS `orders-tls`\n"
            "- PostgreSQL już jest w klastrze, nie ma być w chartcie\n\nDzięki!"
        ),
        "ru": (
            "Привет! Нужен Helm-чарт для нашего сервиса заказов.\n"
            "- образ `acme/orders:4.2.0`, слушает на порту 8080\n- 3 реплики\n"
            "- пароль базы данных (`DB_PASSWORD`) берём из существующего секрета `orders-db`, "
            "ключ `password`\n- том на 20Gi, смонтирован в `/var/lib/orders`, класс хранения "
            "`fast-ssd`\n- ресурсы: запросы 250m CPU и 512Mi памяти, лимит памяти 1Gi\n"
            "- Ingress: хост `orders.example.ru`, класс `nginx`, TLS-секрет `orders-tls`\n"
            "- PostgreSQL уже есть в кластере, не должна быть в чарте\n\nСпасибо!"
        ),
        "no": (
            "Hei! Vi trenger et Helm-chart for bestillingstjenesten vår.\n"
            "- Image `acme/orders:4.2.0`, lytter på port 8080\n- 3 replikaer\n"
            "- Passordet (`DB_PASSWORD`) hentes fra den eksisterende hemmeligheten `orders-db`, "
            "nøkkel `password`\n- Et volum på 20Gi montert på `/var/lib/orders`, "
            "lagringsklasse `fast-ssd`\n- Ressurser: forespør 250m CPU og 512Mi minne, grense "
            "1Gi minne\n- Ingress: vert `orders.example.no`, ingressClass `nginx`, "
            "TLS-hemmelighet `orders-tls`\n- PostgreSQL finnes allerede i klyngen og skal ikke "
            "være i chartet\n\nTakk!"
        ),
        # Danish is read by the same lexicon: "nøgle", "hemmelighed", "hukommelse".
        "da": (
            "Hej! Vi har brug for et Helm-chart til vores ordreservice.\n"
            "- Image `acme/orders:4.2.0`, lytter på port 8080\n- 3 replikaer\n"
            "- Adgangskoden (`DB_PASSWORD`) hentes fra den eksisterende hemmelighed `orders-db`, "
            "nøgle `password`\n- Et volume på 20Gi monteret på `/var/lib/orders`, "
            "lagringsklasse `fast-ssd`\n- Ressourcer: forespørg 250m CPU og 512Mi hukommelse, "
            "grænse 1Gi hukommelse\n- Ingress: vært `orders.example.dk`, ingressClass `nginx`, "
            "TLS-hemmelighed `orders-tls`\n- PostgreSQL findes allerede i klyngen og skal ikke "
            "være med i chartet\n\nTak!"
        ),
        "tr": (
            "Merhaba, sipariş servisimiz için bir Helm chart'a ihtiyacımız var.\n"
            "- İmaj `acme/orders:4.2.0`, uygulama 8080 portunu dinliyor\n- 3 replika olsun\n"
            "- Veritabanı şifresi (`DB_PASSWORD`) mevcut Secret `orders-db` içinde, anahtar "
            "`password`\n- 20Gi kalıcı disk, `/var/lib/orders` dizinine bağlansın, depolama "
            "sınıfı `fast-ssd`\n- Kaynaklar: istekler 250m CPU ve 512Mi bellek, bellek limiti "
            "1Gi\n- Ingress: host `orders.example.com.tr`, ingress sınıfı `nginx`, TLS secret "
            "`orders-tls`\n- PostgreSQL zaten kümede var, chart'ta olmamalı\n\nTeşekkürler!"
        ),
    }
    for lang, text in requests.items():
        assert language(text) == {"da": "no"}.get(lang, lang)
        glossed = gloss(text)
        assert "listens on port 8080" in glossed and "not part of the chart" in glossed
        req = parse_requirements(text)
        assert req.image is not None and req.image.reference == "acme/orders:4.2.0"
        assert [p.port for p in req.ports] == [8080]
        assert req.replicas is not None and req.replicas.min == req.replicas.max == 3
        assert secrets_of(req)["DB_PASSWORD"] == ("orders-db", "password")
        assert [(v.mount_path, v.size) for v in req.volumes] == [("/var/lib/orders", "20Gi")]
        assert req.dependencies and all(d.external for d in req.dependencies)
        assert req.ingress is not None and req.ingress.tls_secret == "orders-tls"
    # A few Russian words in an English request do not make it Russian.
    assert language("Deploy the API with two replicas, please (заказы = orders).") == "en"


def test_indonesian_requests_are_told_and_read() -> None:
    service = (
        "Halo tim platform,\n\nTolong buatkan Helm chart untuk layanan `invoice-api` kami.\n"
        "- image `registry.example.co.id/finance/invoice-api:2.4.1`, aplikasinya mendengarkan di "
        "port 8080\n- jalankan sebagai Deployment dengan 2 replika, Service tipe ClusterIP\n"
        "- variabel lingkungan: `LOG_LEVEL=info` dan `TZ=Asia/Jakarta`\n"
        "- user dan password database sudah ada di Secret `invoice-db` dengan key `username` dan "
        "`password`, tolong isi `DB_USER` dan `DB_PASSWORD` dari situ\n"
        "- volume persisten 5Gi di-mount ke `/var/lib/invoice`, storage class `longhorn`\n"
        "- health check: readiness di `/ready`, liveness di `/healthz`\n"
        "- resource: request 250m CPU dan 256Mi memori, limit memori 512Mi\n"
        "- Ingress: host `invoice.example.co.id`, kelas ingress `nginx`, sertifikat dari "
        "cert-manager (ClusterIssuer `letsencrypt-prod`), secret TLS `invoice-tls`\n"
        "- PostgreSQL jangan dimasukkan ke chart, kami pakai yang managed. Redis tolong "
        "disertakan di dalam chart.\n\nTerima kasih!"
    )
    assert language(service) == "id"
    glossed = gloss(service)
    assert "listens on port 8080" in glossed and "we use a managed one" in glossed
    req = parse_requirements(service)
    assert req.image is not None and req.image.reference.endswith("invoice-api:2.4.1")
    assert req.workload == "Deployment" and req.service_type == "ClusterIP"
    assert [p.port for p in req.ports] == [8080]
    assert req.replicas is not None and req.replicas.min == req.replicas.max == 2
    assert env_of(req) == {"LOG_LEVEL": "info", "TZ": "Asia/Jakarta"}
    # "dengan key `a` dan `b`, tolong isi `A` dan `B` dari situ": each variable its key, in order.
    assert secrets_of(req) == {
        "DB_USER": ("invoice-db", "username"),
        "DB_PASSWORD": ("invoice-db", "password"),
    }
    assert [(v.mount_path, v.size, v.storage_class) for v in req.volumes] == [
        ("/var/lib/invoice", "5Gi", "longhorn")
    ]
    assert req.readiness is not None and req.readiness.path == "/ready"
    assert req.liveness is not None and req.liveness.path == "/healthz"
    assert (req.resources.cpu, req.resources.memory, req.limits.memory) == (
        "250m",
        "256Mi",
        "512Mi",
    )
    assert {d.kind: d.external for d in req.dependencies} == {"postgresql": True, "redis": False}
    assert req.ingress is not None and req.ingress.hosts == ["invoice.example.co.id"]
    assert (req.ingress.class_name, req.ingress.cluster_issuer, req.ingress.tls_secret) == (
        "nginx",
        "letsencrypt-prod",
        "invoice-tls",
    )
    job = (
        "Halo, tolong buatkan Helm chart untuk job pembersihan.\n"
        "- CronJob dengan image resmi `busybox:1.37` yang menjalankan `sh /scripts/cleanup.sh` "
        "setiap hari jam 03:00, zona waktu `Asia/Jakarta`, jangan jalan paralel\n"
        "- token (`API_TOKEN`) dari Secret `cleanup-api` yang sudah ada, key `token`\n"
        "- pod harus selalu di node yang sama: nodeSelector `kubernetes.io/hostname: worker-02`"
    )
    assert language(job) == "id"
    # "image resmi" is the official image: "resmi" is no image's name.
    assert "official image `busybox:1.37`" in gloss(job)
    req = parse_requirements(job)
    assert req.image is not None and req.image.reference == "busybox:1.37"
    assert req.workload == "CronJob" and req.schedule == "0 3 * * *"
    assert req.args == ["sh", "/scripts/cleanup.sh"]
    assert req.cron is not None and req.cron.time_zone == "Asia/Jakarta"
    assert req.cron.concurrency_policy == "Forbid"
    assert secrets_of(req) == {"API_TOKEN": ("cleanup-api", "token")}
    assert req.node_selector == {"kubernetes.io/hostname": "worker-02"}


def test_vietnamese_requests_are_told_and_read() -> None:
    service = (
        "Chào mọi người,\n\nTeam mình đang chuyển ứng dụng đặt lịch `booking-api` từ docker "
        "compose sang Kubernetes, nhờ các bạn tạo giúp một Helm chart.\n\n"
        "- Image chính thức: `ghcr.io/acme/booking-api:3.2.0`, ứng dụng lắng nghe trên cổng 8000\n"
        "- Chạy dưới dạng Deployment với 2 bản sao, Service loại ClusterIP\n"
        "- Mật khẩu database và khóa JWT đã có trong Secret `booking-secrets` với các key "
        "`db-password` và `jwt-secret`, hãy lấy `DB_PASSWORD` và `JWT_SECRET` từ đó\n"
        "- Biến môi trường: `APP_ENV=production`, `TZ=Asia/Ho_Chi_Minh`\n"
        "- Một volume lưu trữ lâu dài 10Gi gắn vào `/app/uploads`, storage class `standard`\n"
        "- Health check: readiness `/health/ready`, liveness `/health/live`\n"
        "- Tài nguyên: request 200m CPU và 256Mi bộ nhớ, giới hạn bộ nhớ 512Mi\n"
        "- Ingress: host `booking.example.vn`, ingress class `nginx`, chứng chỉ từ cert-manager "
        "(ClusterIssuer `letsencrypt-prod`), secret TLS `booking-tls`\n"
        "- Không đưa PostgreSQL vào chart, bọn mình dùng dịch vụ managed bên ngoài cluster. "
        "Redis thì đóng gói luôn trong chart.\n\nCảm ơn nhiều!"
    )
    # A keyboard that types the tone marks as combining characters writes the same request.
    for text in (service, unicodedata.normalize("NFD", service)):
        assert language(text) == "vi"
        glossed = gloss(text)
        assert "listens on port 8000" in glossed and "2 replicas" in glossed
        req = parse_requirements(text)
        assert req.image is not None and req.image.reference == "ghcr.io/acme/booking-api:3.2.0"
        assert req.workload == "Deployment" and req.service_type == "ClusterIP"
        assert [p.port for p in req.ports] == [8000]
        assert req.replicas is not None and req.replicas.min == req.replicas.max == 2
        assert secrets_of(req) == {
            "DB_PASSWORD": ("booking-secrets", "db-password"),
            "JWT_SECRET": ("booking-secrets", "jwt-secret"),
        }
        assert env_of(req) == {"APP_ENV": "production", "TZ": "Asia/Ho_Chi_Minh"}
        assert [(v.mount_path, v.size, v.storage_class) for v in req.volumes] == [
            ("/app/uploads", "10Gi", "standard")
        ]
        assert req.readiness is not None and req.readiness.path == "/health/ready"
        assert req.liveness is not None and req.liveness.path == "/health/live"
        assert (req.resources.cpu, req.resources.memory, req.limits.memory) == (
            "200m",
            "256Mi",
            "512Mi",
        )
        assert {d.kind: d.external for d in req.dependencies} == {
            "postgresql": True,
            "redis": False,
        }
        assert req.ingress is not None and req.ingress.hosts == ["booking.example.vn"]
        assert (req.ingress.class_name, req.ingress.cluster_issuer, req.ingress.tls_secret) == (
            "nginx",
            "letsencrypt-prod",
            "booking-tls",
        )
    job = (
        "Chào anh chị, nhờ tạo giúp mình một Helm chart cho job dọn dẹp.\n"
        "- CronJob dùng image `ghcr.io/acme/cleanup:1.0.4`, chạy `cleanup --older-than 30d` mỗi "
        "ngày lúc 03:00, múi giờ `Asia/Ho_Chi_Minh`, không chạy song song\n"
        "- Token (`API_TOKEN`) lấy từ Secret `cleanup-api` có sẵn, key `token`\n"
        "- Pod phải luôn chạy trên cùng một node: nodeSelector `kubernetes.io/hostname: worker-02`"
    )
    assert language(job) == "vi"
    req = parse_requirements(job)
    assert req.workload == "CronJob" and req.schedule == "0 3 * * *"
    assert req.args == ["cleanup", "--older-than", "30d"]
    assert req.cron is not None and req.cron.time_zone == "Asia/Ho_Chi_Minh"
    assert req.cron.concurrency_policy == "Forbid"
    assert secrets_of(req) == {"API_TOKEN": ("cleanup-api", "token")}
    assert req.node_selector == {"kubernetes.io/hostname": "worker-02"}
    # Their function words do not make a request in another language one of theirs.
    for text in (
        "Deploy the API with two replicas on port 8080, please; see php.ini and cho.yaml.",
        "Ciao, l'immagine è `acme/negozio:3.1.0` e ascolta sulla porta 8000.",
        "Merhaba, sipariş servisimiz için bir Helm chart'a ihtiyacımız var.",
    ):
        assert language(text) not in ("id", "vi")


def test_code_spans_are_never_glossed() -> None:
    assert "`und`" in gloss("Wir brauchen das `und` Kommando und die Datenbank für unser Team.")


# ----------------------------------------------------------------------------- context


def test_a_narrated_attempt_is_context_not_a_request() -> None:
    text = (
        "I tried running it as a Deployment with 4 replicas, but it failed. Please use 1 replica."
    )
    blanked = without_attempts(text)
    assert "4 replicas" not in blanked and "Please use 1 replica" in blanked
    req = parse_requirements(APP + text)
    assert req.replicas is not None and req.replicas.max == 1


def test_a_story_that_turns_into_a_request_keeps_the_request() -> None:
    text = "We tried 256Mi of memory and it got OOM-killed, so give it 1Gi."
    assert "give it 1Gi" in without_attempts(text)


def test_kubectl_tables_and_shell_errors_are_logs() -> None:
    block = (
        "```\nNAME          READY   STATUS    RESTARTS   AGE\napi-7d9-x2    0/1     Error     3"
        "          2m\n/entrypoint.sh: line 12: /srv/cache: Permission denied\n```\n"
    )
    assert "/srv/cache" not in without_logs(block)


def test_a_keyword_inside_a_code_span_is_a_name_not_a_verb() -> None:
    req = parse_requirements(
        APP + "We pasted the compose `command:` key into a manifest before. "
        "It should run `shop serve --port 8080`."
    )
    assert req.args == ["shop", "serve", "--port", "8080"]


# ----------------------------------------------------------------------------- ingress


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("expose it on a.example.com through the haproxy class", "haproxy"),
        ("ingress a.example.com, class traefik", "traefik"),
        ("Ingress (contour) for a.example.com", "contour"),
        ("a.example.com via ingress, ingressClass is `nginx-internal`", "nginx-internal"),
    ],
)
def test_the_ingress_class_is_read_however_it_is_named(phrase: str, expected: str) -> None:
    req = parse_requirements(APP + phrase)
    assert req.ingress is not None and req.ingress.class_name == expected


def test_a_certificate_kept_in_a_secret_is_the_tls_secret_and_turns_tls_on() -> None:
    req = parse_requirements(
        APP + "Host shop.example.com. No cert-manager: our wildcard certificate already lives "
        "in the secret `star-example-com`."
    )
    assert req.ingress is not None and req.ingress.tls_secret == "star-example-com"
    assert req.ingress.tls is True


def test_a_quoted_tls_secret_beats_a_label_followed_by_a_host() -> None:
    req = parse_requirements(
        "### Image\n\nacme/app:1.0\n\n### Host / TLS secret\n\napp.example.com, TLS secret "
        "`app-cert`\n"
    )
    assert req.ingress is not None and req.ingress.tls_secret == "app-cert"


def test_an_ingress_path_is_read_from_the_ingress_sentence() -> None:
    req = parse_requirements(APP + "Ingress on tools.example.com under the path `/shop`.")
    assert req.ingress is not None and req.ingress.path == "/shop"


def test_label_and_taint_keys_are_not_hosts() -> None:
    req = parse_requirements(
        APP + "Annotate the Service with `service.beta.kubernetes.io/aws-load-balancer-type: nlb`"
        " and tolerate the `example.com/dedicated` taint with effect NoSchedule."
    )
    assert req.ingress is None or not req.ingress.hosts


def test_an_app_reached_at_a_host_for_webhooks_is_served_there() -> None:
    req = parse_requirements(APP + "UI and webhooks at hooks.example.org behind ingress-nginx.")
    assert req.ingress is not None and "hooks.example.org" in req.ingress.hosts


def test_a_reserved_tld_is_a_host_when_labelled_one() -> None:
    req = parse_requirements(APP + "ingress shop.lab.test")
    assert req.ingress is not None and req.ingress.hosts == ["shop.lab.test"]


# ----------------------------------------------------------------------------- the Service


@pytest.mark.parametrize(
    "phrase",
    [
        "Internal only: a ClusterIP on 9200.",
        "Give it a NodePort Service, service port 9200.",
        "API on port 9200, ClusterIP service only.",
    ],
)
def test_a_port_stated_with_the_service_is_the_service_port(phrase: str) -> None:
    req = parse_requirements("Image ghcr.io/acme/search:1.4.0, port 9200. " + phrase)
    assert [p.service_port for p in req.ports] == [9200]


# ----------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    "text",
    [
        "read it from the Secret `app-db` (key: `password`)",
        "keys `token` and `identity-value`",
        "the Secret `cfg`（key：`password`）",
        "the `secret-key` key of the Secret",
        "the admin password (`ADMIN_PASSWORD`) comes from the secret `admin`",
        "PASSWORD: login password for the dashboard, from secret `dash-auth`",
        "DB_PASS: the database password, existing secret `app-db`",
        "API_TOKEN: <paste a long random token here>",
        "MB_DB_HOST=analytics-pg.data.svc.cluster.local",
        "Secrets: DB_PASS, API_KEY (both in `app-secrets`)",
    ],
)
def test_names_keys_and_placeholders_are_not_secret_values(text: str) -> None:
    assert redact_secrets(text) == (
        text.replace("（", "(").replace("）", ")").replace("：", ":"),
        0,
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the `password` is Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("DB_PASSWORD: hunter2xx9 (will move it into a secret)", "hunter2xx9"),
        ("FOO=Zk8xQ2pLm9Rt4Vw7Yb3Nc6Hd1", "Zk8xQ2pLm9Rt4Vw7Yb3Nc6Hd1"),
    ],
)
def test_pasted_values_are_still_redacted(text: str, value: str) -> None:
    redacted, count = redact_secrets(text)
    assert value not in redacted and count >= 1


def test_a_heading_asking_for_a_tls_secret_name_is_not_a_secret_value() -> None:
    text = "### Image\n\nacme/app:1.0\n\n### Domain / TLS secret\n\napp.example.com\n"
    assert redact_secrets(text)[1] == 0


# ----------------------------------------------------------------------------- secrets


def test_one_variable_one_secret_one_key_in_a_sentence_pair_up() -> None:
    req = parse_requirements(
        APP + "The signing key (`JWT_SIGNING_KEY`) is kept in our Secret "
        "`auth-keys`, under key `signing`."
    )
    assert secrets_of(req)["JWT_SIGNING_KEY"] == ("auth-keys", "signing")


def test_values_described_in_words_pair_with_variables_that_say_the_same() -> None:
    compose = (
        "services:\n  app:\n    image: acme/notes:1.0\n    environment:\n"
        "      NOTES_DATABASE_PASSWORD: changeme\n      NOTES_SESSION_SECRET: changeme\n"
    )
    req = parse_requirements(
        "The session secret and the database password are in the Secret `notes`, keys "
        "`session` and `db`.\n\n```yaml\n" + compose + "```\n"
    )
    assert secrets_of(req)["NOTES_SESSION_SECRET"] == ("notes", "session")
    assert secrets_of(req)["NOTES_DATABASE_PASSWORD"] == ("notes", "db")


def test_counted_passwords_take_the_listed_keys_in_order() -> None:
    compose = (
        "services:\n  app:\n    image: acme/desk:1.0\n    environment:\n"
        "      DESK_VIEWER_PASSWORD: ${V}\n      DESK_EDITOR_PASSWORD: ${E}\n"
    )
    req = parse_requirements(
        "Both passwords come from the Secret `desk-pw` (keys `viewer` and `editor`).\n\n"
        "```yaml\n" + compose + "```\n"
    )
    assert secrets_of(req)["DESK_VIEWER_PASSWORD"] == ("desk-pw", "viewer")
    assert secrets_of(req)["DESK_EDITOR_PASSWORD"] == ("desk-pw", "editor")


def test_a_sentence_pointing_back_at_the_variables_gives_their_keys() -> None:
    req = parse_requirements(
        APP + "- The tokens are `READ_TOKEN` and `WRITE_TOKEN`. Take them from the Secret "
        "`tokens` (keys `r` and `w`)."
    )
    assert secrets_of(req)["READ_TOKEN"] == ("tokens", "r")
    assert secrets_of(req)["WRITE_TOKEN"] == ("tokens", "w")


def test_a_compose_variable_kept_in_a_secret_is_read_by_every_setting_built_from_it() -> None:
    compose = (
        "services:\n  api:\n    image: acme/api:1.0\n    environment:\n"
        "      API_DB_PASSWORD: ${DB_PASS}\n  worker:\n    image: acme/api:1.0\n"
        "    environment:\n      WORKER_DB_PASSWORD: ${DB_PASS}\n"
    )
    req = parse_requirements(
        "`DB_PASS` is in the Secret `api-secrets` (key `DB_PASS`).\n\n```yaml\n" + compose + "```\n"
    )
    workloads = [req, *req.components]
    found = {name: ref for w in workloads for name, ref in secrets_of(w).items()}
    assert found["API_DB_PASSWORD"] == ("api-secrets", "DB_PASS")
    assert found["WORKER_DB_PASSWORD"] == ("api-secrets", "DB_PASS")
    assert "DB_PASS" not in found


def test_where_a_variable_lives_holds_for_every_workload_that_reads_it() -> None:
    compose = (
        "services:\n  web:\n    image: acme/web:1.0\n    environment:\n      HOOK_TOKEN: x\n"
        "  ticker:\n    image: alpine:3.20\n    environment:\n      HOOK_TOKEN: x\n"
    )
    req = parse_requirements(
        "`HOOK_TOKEN` is in the Secret `hooks` (same key name).\n\n```yaml\n" + compose + "```\n"
    )
    assert secrets_of(part(req, "ticker"))["HOOK_TOKEN"][0] == "hooks"


def test_the_database_password_names_the_only_bundled_database() -> None:
    req = parse_requirements(
        APP + "It needs PostgreSQL 16. The database password is in the Secret `shop-pg`, key `pw`."
    )
    dep = next(d for d in req.dependencies if d.kind == "postgresql")
    assert (dep.existing_secret, dep.password_key) == ("shop-pg", "pw")


def test_a_variable_named_for_a_datastore_password_is_that_datastores_password() -> None:
    req = parse_requirements(
        APP + "Redis 7 in the chart; REDIS_HOST points at it. `REDIS_PASSWORD` is in the Secret "
        "`shop-redis` (key `auth`)."
    )
    dep = next(d for d in req.dependencies if d.kind == "redis")
    assert (dep.existing_secret, dep.password_key) == ("shop-redis", "auth")


def test_a_secret_named_like_a_component_stays_a_secret_name() -> None:
    compose = (
        "services:\n  search-ui:\n    image: acme/ui:1.0\n    environment:\n      UI_KEY: x\n"
        "  search-api:\n    image: acme/api:1.0\n"
    )
    req = parse_requirements(
        "- search-ui: `UI_KEY` comes from the Secret `search-ui`, key `k`.\n\n```yaml\n"
        + compose
        + "```\n"
    )
    workload = req if req.component == "search-ui" else part(req, "search-ui")
    assert secrets_of(workload)["UI_KEY"] == ("search-ui", "k")


# ----------------------------------------------------------------------------- compose


def test_an_env_block_named_after_its_file_belongs_to_the_services_loading_it() -> None:
    text = (
        "```yaml\nservices:\n  app:\n    image: acme/app:1.0\n    env_file: .env\n"
        "  sync:\n    image: acme/sync:1.0\n    env_file: sync.env\n"
        "    command: sh -c 'echo $$REGION'\n```\n\n`.env`:\n\n```\nAPP_MODE=full\n```\n\n"
        "`sync.env`:\n\n```\nREGION=eu-west\n```\n"
    )
    req = parse_requirements(text)
    sync = part(req, "sync")
    assert env_of(sync) == {"REGION": "eu-west"}
    assert "REGION" not in env_of(req)


def test_a_datastore_address_is_wired_with_its_port() -> None:
    text = (
        "```yaml\nservices:\n  app:\n    image: acme/app:1.0\n    environment:\n"
        "      CACHE_SERVERS: cache:11211\n  cache:\n    image: memcached:1.6\n```\n"
    )
    req = parse_requirements(text)
    assert any(c.env == "CACHE_SERVERS" and c.with_port for c in req.connections)


def test_a_healthcheck_calling_the_container_says_its_port() -> None:
    text = (
        "```yaml\nservices:\n  app:\n    image: acme/app:1.0\n    healthcheck:\n"
        "      test: ['CMD-SHELL', 'wget -qO- localhost:7070/ping || exit 1']\n```\n"
    )
    req = parse_requirements(text)
    assert [p.port for p in req.ports] == [7070]
    assert req.health is not None and req.health.path == "/ping"


# ----------------------------------------------------------------------------- sizes


@pytest.mark.parametrize(
    ("phrase", "request_memory", "limit_memory"),
    [
        ("give it a 768Mi memory request and a 2Gi limit", "768Mi", "2Gi"),
        ("requests 1 CPU / 3Gi, limit 6Gi", "3Gi", "6Gi"),
        ("256Mi mem request / 512Mi limit", "256Mi", "512Mi"),
    ],
)
def test_each_size_is_the_request_or_limit_nearest_to_it(
    phrase: str, request_memory: str, limit_memory: str
) -> None:
    req = parse_requirements(APP + phrase)
    assert req.resources is not None and req.resources.memory == request_memory
    assert req.limits is not None and req.limits.memory == limit_memory


def test_a_cpu_number_labelled_cpu_needs_no_unit() -> None:
    req = parse_requirements(APP + "requests: cpu 2, memory 4Gi\nlimits: memory 8Gi")
    assert req.resources is not None and req.resources.cpu == "2"
    assert req.limits is not None and req.limits.memory == "8Gi"


def test_a_limit_only_line_is_no_request() -> None:
    req = parse_requirements(APP + "\nlimits: cpu 1, memory 3Gi\n")
    assert req.resources is None or req.resources.memory != "3Gi"


# ----------------------------------------------------------------------------- volumes


@pytest.mark.parametrize(
    "phrase",
    ["`/srv/uploads` needs 30Gi.", "30Gi for `/srv/uploads`, please.", "/srv/uploads: 30Gi"],
)
def test_a_size_beside_a_directory_is_a_volume_there(phrase: str) -> None:
    req = parse_requirements(APP + phrase)
    assert {v.mount_path: v.size for v in req.volumes}.get("/srv/uploads") == "30Gi"


def test_a_size_for_a_word_naming_a_volume_sizes_that_volume() -> None:
    text = (
        "Attachments need 40Gi.\n\n```yaml\nservices:\n  app:\n    image: acme/app:1.0\n"
        "    volumes:\n      - files:/var/lib/app/attachments\n```\n"
    )
    req = parse_requirements(text)
    assert {v.mount_path: v.size for v in req.volumes}["/var/lib/app/attachments"] == "40Gi"


def test_the_next_sentence_about_the_same_path_sizes_it() -> None:
    req = parse_requirements(
        APP + "- `/archive` keeps old exports. It sits on the file server: a 500Gi "
        "ReadWriteMany claim on storage class `cephfs`."
    )
    volume = next(v for v in req.volumes if v.mount_path == "/archive")
    assert (volume.size, volume.access_mode, volume.storage_class) == (
        "500Gi",
        "ReadWriteMany",
        "cephfs",
    )


def test_a_file_setting_on_a_volume_mounts_its_directory() -> None:
    req = parse_requirements(APP + "APP_DB=/var/lib/shop/shop.sqlite on a 2Gi pvc")
    assert {v.mount_path: v.size for v in req.volumes}.get("/var/lib/shop") == "2Gi"


def test_an_explicit_access_mode_beats_a_negated_file_system() -> None:
    req = parse_requirements(APP + "/data on a 5Gi RWO pvc; it is sqlite, never on nfs.")
    assert next(v for v in req.volumes if v.mount_path == "/data").access_mode == "ReadWriteOnce"


def test_each_storage_class_stays_with_its_sentence() -> None:
    req = parse_requirements(
        APP + "- `/cfg` 1Gi on storage class `fast`.\n- `/blobs` 100Gi on storage class `cold`."
    )
    classes = {v.mount_path: v.storage_class for v in req.volumes}
    assert classes["/cfg"] == "fast" and classes["/blobs"] == "cold"


def test_a_stated_size_fills_a_volume_the_compose_file_declared() -> None:
    text = (
        "`/var/lib/app` needs 25Gi on storage class `ssd`.\n\n```yaml\nservices:\n  app:\n"
        "    image: acme/app:1.0\n    volumes:\n      - data:/var/lib/app/\n```\n"
    )
    req = parse_requirements(text)
    assert [(v.mount_path, v.size, v.storage_class) for v in req.volumes] == [
        ("/var/lib/app", "25Gi", "ssd")
    ]


def test_a_volume_shared_by_two_services_is_sized_for_both() -> None:
    text = (
        "Shared files 50Gi.\n\n```yaml\nservices:\n  web:\n    image: acme/web:1.0\n"
        "    volumes:\n      - shared:/srv/shared\n  jobs:\n    image: acme/web:1.0\n"
        "    command: run-jobs\n    volumes:\n      - shared:/srv/shared\n```\n"
    )
    req = parse_requirements(text)
    sizes = {w.name or "main": [v.size for v in w.volumes] for w in [req, *req.components]}
    assert all(s == ["50Gi"] for s in sizes.values())


def test_a_shared_volume_is_one_claim() -> None:
    volume = Volume(name="media", mount_path="/srv/media", size="20Gi")
    main = {"persistence": {"enabled": True, "mountPath": "/srv/media", "existingClaim": ""}}
    worker = {"persistence": {"enabled": True, "mountPath": "/srv/media", "existingClaim": ""}}
    share_claims(
        "shop", [("", "Deployment", [volume], main), ("worker", "Deployment", [volume], worker)]
    )
    assert main["persistence"]["existingClaim"] == ""
    assert worker["persistence"]["existingClaim"] == '{{ include "shop.fullname" . }}'


# ----------------------------------------------------------------------------- workloads


def test_a_list_of_rules_per_resource_is_rbac() -> None:
    req = parse_requirements(
        APP + "It needs a Role (not a ClusterRole):\n- `configmaps`: get, watch\n"
        "- `leases`: get, create, update\n"
    )
    assert req.rbac is not None and req.rbac.cluster is False
    assert {tuple(r.resources): r.verbs for r in req.rbac.rules} == {
        ("configmaps",): ["get", "watch"],
        ("leases",): ["get", "create", "update"],
    }


def test_placement_reads_quoted_label_values_and_named_effects() -> None:
    req = parse_requirements(
        APP + 'nodeSelector `pool/gpu: "yes"`, and tolerate `pool/gpu` with effect NoExecute.'
    )
    assert req.node_selector == {"pool/gpu": "yes"}
    assert [(t.key, t.effect) for t in req.tolerations] == [("pool/gpu", "NoExecute")]


@pytest.mark.parametrize(
    ("phrase", "args"),
    [
        (
            "Start it with `--config.file=/etc/agent.yaml --log.level=warn`.",
            ["--config.file=/etc/agent.yaml", "--log.level=warn"],
        ),
        ("It is started with the `agent` command.", ["agent"]),
    ],
)
def test_the_command_a_workload_starts_with(phrase: str, args: list[str]) -> None:
    req = parse_requirements("Image ghcr.io/acme/agent:0.9.0, port 9000. " + phrase)
    assert req.args == args


def test_refused_powers_are_not_requested() -> None:
    req = parse_requirements(
        "DaemonSet, image ghcr.io/acme/agent:1.0. Upstream runs it with host network; our "
        "policy forbids that. Mount the host `/proc` read-only at `/host/proc`."
    )
    assert req.elevated.host_network is False
    assert [(m.host_path, m.mount_path) for m in req.host_mounts] == [("/proc", "/host/proc")]


def test_the_hosts_root_filesystem_is_a_read_only_mount() -> None:
    req = parse_requirements(
        "DaemonSet, image ghcr.io/acme/scanner:1.0. Mount the node's `/` read-only at `/rootfs`."
    )
    assert [(m.host_path, m.mount_path) for m in req.host_mounts] == [("/", "/rootfs")]
    assert req.elevated.host_path == []


# ----------------------------------------------------------------------------- parts


def test_a_clause_without_a_name_continues_the_components_clause() -> None:
    text = (
        "The worker gets a 1Gi memory request and a 3Gi limit.\n\n```yaml\nservices:\n  web:\n"
        "    image: acme/web:1.0\n    ports: ['8000:8000']\n  worker:\n    image: acme/web:1.0\n"
        "    command: work\n```\n"
    )
    req = parse_requirements(text)
    worker = part(req, "worker")
    assert worker.limits is not None and worker.limits.memory == "3Gi"


def test_a_title_naming_the_app_does_not_capture_the_list() -> None:
    text = (
        "## Shopfront on Kubernetes\n\n- 3 replicas of `shopfront-worker`\n\n```yaml\nservices:\n"
        "  shopfront:\n    image: acme/shopfront:1.0\n    ports: ['80:8080']\n"
        "  shopfront-worker:\n    image: acme/shopfront:1.0\n    command: worker\n```\n"
    )
    req = parse_requirements(text)
    assert part(req, "shopfront-worker").replicas.max == 3  # type: ignore[union-attr]


def test_a_components_role_word_names_it() -> None:
    text = (
        "The migration runs as a Helm hook before install and upgrade.\n\n```yaml\nservices:\n"
        "  app:\n    image: acme/app:1.0\n  app-migrate:\n    image: acme/app:1.0\n"
        "    command: migrate\n```\n"
    )
    req = parse_requirements(text)
    migrate = part(req, "app-migrate")
    assert migrate.workload == "Job" and "pre-install" in migrate.hook


def test_counts_skip_the_words_before_the_components_name() -> None:
    text = (
        "- 2 celery workers and one beat\n\n```yaml\nservices:\n  api:\n    image: acme/api:1.0\n"
        "    ports: ['80:8000']\n  api-worker:\n    image: acme/api:1.0\n    command: worker\n```\n"
    )
    req = parse_requirements(text)
    assert part(req, "api-worker").replicas.max == 2  # type: ignore[union-attr]


def test_a_bullet_sharing_facts_ends_at_its_sibling() -> None:
    text = (
        "- `/srv/files` is shared by web and jobs, so make it ReadWriteMany:\n  10Gi on `nfs`.\n"
        "- `API_KEY` is in the Secret `k`.\n\n```yaml\nservices:\n  web:\n    image: acme/web:1.0\n"
        "    volumes: ['files:/srv/files']\n  jobs:\n    image: alpine:3.20\n"
        "    volumes: ['files:/srv/files']\n```\n"
    )
    req = parse_requirements(text)
    assert "API_KEY" not in secrets_of(part(req, "jobs"))
    assert [v.access_mode for v in part(req, "jobs").volumes] == ["ReadWriteMany"]


# ----------------------------------------------------------------------------- images and names


def test_a_pinned_image_beats_a_bare_word_after_image() -> None:
    req = parse_requirements(
        "Run image `mariadb:11.4.4` on 3306; minor image bumps should run the upgrade."
    )
    assert req.image is not None and req.image.reference == "mariadb:11.4.4"
    assert req.dependencies == []


def test_a_version_after_the_apps_name_tags_its_image() -> None:
    req = parse_requirements("linkding 1.39.1 (sissbruecker/linkding) on 9090")
    assert req.image is not None and req.image.tag == "1.39.1"


def test_a_datastore_word_in_a_path_is_a_directory() -> None:
    req = parse_requirements(APP + "Cache files go to `/var/lib/redis-cache` on a 1Gi volume.")
    assert req.dependencies == []


def test_an_english_compound_is_not_the_apps_name() -> None:
    req = parse_requirements("Chart for our to-do app, image ghcr.io/acme/tasks:1.0 on 3000")
    assert req.name != "to-do"


def test_lowercase_settings_in_a_list_of_variables_are_env() -> None:
    req = parse_requirements(
        APP + "Environment variables: `site_url=https://a.example.com`, `cache__ttl=60`."
    )
    assert env_of(req) == {"site_url": "https://a.example.com", "cache__ttl": "60"}


# ----------------------------------------------------------------------------- planning


def test_an_unlisted_minor_version_keeps_its_major() -> None:
    tag, note = pick_tag(Dependency(kind="redis", version="8.6"), DATASTORES["redis"])
    assert tag.startswith("8.") and "same major" in note
