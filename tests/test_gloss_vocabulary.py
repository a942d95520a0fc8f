"""Facts stated in Spanish, Portuguese, French, German and Italian are read as in English.

A platform engineer states the same facts in their own language: an autoscaler's bounds, the
probes, the command a part runs, a schedule, the Secret a password comes from. Each case below is
one fact in one language, in the words an issue would use, and checks what the parser made of it
(not the glossed text); the English case states the fact the others are measured against.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.tools.models import Requirements
from bot.tools.parsing.gloss import gloss, language
from tests.reading_helpers import env_of, part, read, secrets_of, wired_of

# Each case opens with the app, as a request would: its image and its port.
OPENING = {
    "en": "Hi, we need a chart for the image `acme/shop:2.4.0`, it listens on port 8080. ",
    "es": "Hola, necesitamos un chart para la imagen `acme/shop:2.4.0`, que escucha en el "
    "puerto 8080. ",
    "pt": "Olá! Precisamos de um chart para o serviço da loja: imagem `acme/shop:2.4.0`, escuta na "
    "porta 8080. ",
    "fr": "Bonjour, il nous faut un chart pour l'image `acme/shop:2.4.0`, qui écoute sur le "
    "port 8080. ",
    "de": "Hallo, wir brauchen ein Chart für das Image `acme/shop:2.4.0`, es lauscht auf "
    "Port 8080. ",
    "it": "Ciao, ci serve un chart per il nostro servizio: l'immagine è `acme/shop:2.4.0` e "
    "ascolta sulla porta 8080. ",
}


def _autoscaling(r: Requirements) -> bool:
    return r.replicas is not None and (r.replicas.min, r.replicas.max, r.target_cpu) == (2, 5, 75)


def _probes(r: Requirements) -> bool:
    return (
        r.readiness is not None
        and r.liveness is not None
        and (r.readiness.path, r.liveness.path) == ("/ready", "/live")
    )


def _one_probe_path(r: Requirements) -> bool:
    return (
        (r.readiness or r.health) is not None
        and (r.liveness or r.health) is not None
        and {
            (r.readiness or r.health).path,
            (r.liveness or r.health).path,
        }
        == {"/healthz"}
    )


def _health(r: Requirements) -> bool:
    return r.health is not None and r.health.path == "/healthz"


def _command(r: Requirements) -> bool:
    return r.args == ["gunicorn", "shop.wsgi:app"] or r.command == ["gunicorn", "shop.wsgi:app"]


def _bundled_env(r: Requirements) -> bool:
    return wired_of(r) == {"DB_HOST": "postgresql", "DB_PASSWORD": "postgresql"} and [
        (d.kind, d.external) for d in r.dependencies
    ] == [("postgresql", False)]


def _cron(schedule: str, policy: str = "", zone: str = "") -> Callable[[Requirements], bool]:
    def check(r: Requirements) -> bool:
        job = part(r, "cleanup")
        cron = job.cron
        return (
            job.workload == "CronJob"
            and job.schedule == schedule
            and job.args == ["python", "clean.py"]
            and (cron.concurrency_policy if cron else "") == policy
            and (cron.time_zone if cron else "") == zone
        )

    return check


def _grace(r: Requirements) -> bool:
    return r.termination_grace_seconds == 120


def _placement(r: Requirements) -> bool:
    return r.node_selector == {"disktype": "ssd"} and [
        (t.key, t.value, t.effect) for t in r.tolerations
    ] == [("dedicated", "monitoring", "NoSchedule")]


def _shared_volume(r: Requirements) -> bool:
    return [(v.mount_path, v.size, v.access_mode) for v in r.volumes] == [
        ("/data", "10Gi", "ReadWriteMany")
    ]


def _read_only_host_path(r: Requirements) -> bool:
    return [(m.host_path, m.mount_path, m.read_only) for m in r.host_mounts] == [
        ("/var/log", "/host/log", True)
    ] and not r.elevated.host_path


def _replicas(n: int) -> Callable[[Requirements], bool]:
    return lambda r: r.replicas is not None and (r.replicas.min, r.replicas.max) == (n, n)


def _resources(r: Requirements) -> bool:
    return (
        r.resources is not None
        and (r.resources.cpu, r.resources.memory) == ("200m", "256Mi")
        and r.limits is not None
        and r.limits.memory == "512Mi"
    )


def _cluster_ip_no_ingress(r: Requirements) -> bool:
    return r.service_type == "ClusterIP" and [p.port for p in r.ports] == [8080] and not r.ingress


def _load_balancer(r: Requirements) -> bool:
    return r.service_type == "LoadBalancer"


def _existing_secret(r: Requirements) -> bool:
    return secrets_of(r) == {"DB_PASSWORD": ("shop-db", "password")}


def _external_database(r: Requirements) -> bool:
    return [(d.kind, d.external) for d in r.dependencies] == [("postgresql", True)]


def _persistence(r: Requirements) -> bool:
    return [(v.mount_path, v.size, v.storage_class) for v in r.volumes] == [
        ("/data", "10Gi", "fast")
    ]


def _migration(r: Requirements) -> bool:
    job = part(r, "migrate")
    return (
        job.workload == "Job"
        and job.hook == "pre-install,pre-upgrade"
        and job.args == ["python", "manage.py", "migrate"]
        and r.workload != "Job"
    )


def _worker(r: Requirements) -> bool:
    worker = part(r, "worker")
    return worker.image is None and worker.args == ["python", "worker.py"]


def _disruption(r: Requirements) -> bool:
    return r.disruption is not None and r.disruption.min_available == "1"


def _env(r: Requirements) -> bool:
    return env_of(r) == {"LOG_LEVEL": "info"}


CHECKS: dict[str, Callable[[Requirements], bool]] = {
    "autoscaling": _autoscaling,
    "probes": _probes,
    "one probe path": _one_probe_path,
    "health check": _health,
    "command": _command,
    "bundled datastore": _bundled_env,
    "daily": _cron("0 4 * * *"),
    "weekly": _cron("30 6 * * 1"),
    "hourly": _cron("0 * * * *"),
    "every 15 minutes": _cron("*/15 * * * *"),
    "nightly, no overlap": _cron("0 3 * * *", "Forbid", "Europe/Madrid"),
    "grace period": _grace,
    "placement": _placement,
    "shared volume": _shared_volume,
    "read-only host path": _read_only_host_path,
    "one replica": _replicas(1),
    "two replicas": _replicas(2),
    "three replicas": _replicas(3),
    "resources": _resources,
    "ClusterIP, no Ingress": _cluster_ip_no_ingress,
    "LoadBalancer": _load_balancer,
    "existing Secret": _existing_secret,
    "external database": _external_database,
    "persistence": _persistence,
    "migration": _migration,
    "worker, same image": _worker,
    "disruption budget": _disruption,
}

CASES: list[tuple[str, str, str]] = [
    # ------------------------------------------------------------------------------- English
    ("en", "autoscaling", "Autoscaling: min 2, max 5 replicas, at 75% CPU."),
    ("en", "probes", "Probes: readiness on `/ready`, liveness on `/live`."),
    ("en", "one probe path", "Probes: readiness and liveness on `/healthz`."),
    ("en", "health check", "Health check on `/healthz`."),
    ("en", "command", "The container runs `gunicorn shop.wsgi:app`."),
    (
        "en",
        "bundled datastore",
        "PostgreSQL is bundled in the chart. `DB_HOST` and `DB_PASSWORD` must point at that "
        "postgres.",
    ),
    ("en", "daily", "Also a CronJob `cleanup` that runs `python clean.py` every day at 04:00."),
    ("en", "weekly", "Also a CronJob `cleanup` that runs `python clean.py` every Monday at 06:30."),
    ("en", "hourly", "Also a CronJob `cleanup` that runs `python clean.py` every hour."),
    (
        "en",
        "every 15 minutes",
        "Also a CronJob `cleanup` that runs `python clean.py` every 15 minutes.",
    ),
    (
        "en",
        "nightly, no overlap",
        "Also a CronJob `cleanup` that runs `python clean.py` every night at 03:00, timeZone "
        "Europe/Madrid, no overlapping runs.",
    ),
    ("en", "grace period", "Give it 120 seconds to shut down."),
    (
        "en",
        "placement",
        "It must tolerate the taint `dedicated=monitoring:NoSchedule` and only run on nodes "
        "labelled `disktype=ssd`.",
    ),
    ("en", "shared volume", "A 10Gi volume at `/data`, shared by all the replicas."),
    ("en", "read-only host path", "Mount the node's `/var/log` read-only at `/host/log`."),
    ("en", "one replica", "One replica is enough."),
    ("en", "two replicas", "Two replicas."),
    ("en", "three replicas", "Run three replicas."),
    ("en", "resources", "Requests 200m CPU and 256Mi memory, limit 512Mi."),
    ("en", "ClusterIP, no Ingress", "ClusterIP Service on 8080, no Ingress."),
    ("en", "LoadBalancer", "Expose it with a LoadBalancer Service."),
    (
        "en",
        "existing Secret",
        "`DB_PASSWORD` comes from the existing Secret `shop-db`, key `password`.",
    ),
    ("en", "external database", "We already have a managed Postgres, keep it out of the chart."),
    ("en", "persistence", "Persistence: 10Gi at `/data`, storage class `fast`."),
    (
        "en",
        "migration",
        "A migration Job with the same image runs `python manage.py migrate` before each "
        "install and upgrade.",
    ),
    (
        "en",
        "worker, same image",
        "A worker with the same image as the app, running `python worker.py`.",
    ),
    ("en", "disruption budget", "PDB with minAvailable 1."),
    # ------------------------------------------------------------------------------- Spanish
    ("es", "autoscaling", "Autoescalado: mínimo 2, máximo 5 réplicas, al 75 % de CPU."),
    ("es", "probes", "Sondas: readiness en `/ready` y liveness en `/live`."),
    ("es", "one probe path", "Sondas: readiness y liveness en `/healthz`."),
    ("es", "health check", "El chequeo de salud está en `/healthz`."),
    ("es", "command", "El contenedor ejecuta `gunicorn shop.wsgi:app`."),
    (
        "es",
        "bundled datastore",
        "El PostgreSQL va incluido en el chart. `DB_HOST` y `DB_PASSWORD` deben apuntar a ese "
        "postgres.",
    ),
    (
        "es",
        "daily",
        "Además, un CronJob `cleanup` que ejecuta `python clean.py` todos los días a las 04:00.",
    ),
    (
        "es",
        "weekly",
        "Además, un CronJob `cleanup` que ejecuta `python clean.py` todos los lunes a las 06:30.",
    ),
    ("es", "hourly", "Además, un CronJob `cleanup` que ejecuta `python clean.py` cada hora."),
    (
        "es",
        "every 15 minutes",
        "Además, un CronJob `cleanup` que ejecuta `python clean.py` cada 15 minutos.",
    ),
    (
        "es",
        "nightly, no overlap",
        "Además, un CronJob `cleanup` que ejecuta `python clean.py` cada noche a las 03:00, "
        "zona horaria Europe/Madrid, sin ejecuciones solapadas.",
    ),
    ("es", "grace period", "Hay que darle 120 segundos para apagarse."),
    (
        "es",
        "placement",
        "Tiene que tolerar el taint `dedicated=monitoring:NoSchedule` y correr solo en nodos "
        "con la etiqueta `disktype=ssd`.",
    ),
    ("es", "shared volume", "Un volumen de 10Gi en `/data`, compartido entre todas las réplicas."),
    (
        "es",
        "read-only host path",
        "Hay que montar el `/var/log` del nodo en solo lectura en `/host/log`.",
    ),
    ("es", "one replica", "Con una réplica nos basta."),
    ("es", "two replicas", "Dos réplicas, por favor."),
    ("es", "three replicas", "Queremos tres réplicas."),
    (
        "es",
        "resources",
        "Recursos: pide 200m de CPU y 256Mi de memoria, con un límite de 512Mi.",
    ),
    ("es", "ClusterIP, no Ingress", "Service de tipo ClusterIP en el puerto 8080, sin Ingress."),
    ("es", "LoadBalancer", "Hay que exponerlo con un Service de tipo LoadBalancer."),
    (
        "es",
        "existing Secret",
        "La contraseña `DB_PASSWORD` sale del Secret existente `shop-db`, clave `password`.",
    ),
    (
        "es",
        "external database",
        "Ya tenemos un Postgres gestionado, así que no lo metas en el chart.",
    ),
    (
        "es",
        "persistence",
        "Persistencia: 10Gi en `/data`, con la clase de almacenamiento `fast`.",
    ),
    (
        "es",
        "migration",
        "Un Job de migración con la misma imagen ejecuta `python manage.py migrate` antes de "
        "cada instalación y actualización.",
    ),
    (
        "es",
        "worker, same image",
        "También un worker con la misma imagen que la app, que ejecuta `python worker.py`.",
    ),
    ("es", "disruption budget", "Un PDB con minAvailable 1, por favor."),
    # ---------------------------------------------------------------------------- Portuguese
    ("pt", "autoscaling", "Autoescalonamento: mínimo 2, máximo 5 réplicas, com 75% de CPU."),
    ("pt", "probes", "Probes: readiness em `/ready` e liveness em `/live`."),
    ("pt", "one probe path", "Sondas de readiness e liveness em `/healthz`."),
    ("pt", "health check", "O health check fica em `/healthz`."),
    ("pt", "command", "O container executa `gunicorn shop.wsgi:app`."),
    (
        "pt",
        "bundled datastore",
        "O PostgreSQL vem junto no chart. `DB_HOST` e `DB_PASSWORD` devem apontar para esse "
        "postgres.",
    ),
    (
        "pt",
        "daily",
        "Também um CronJob `cleanup` que roda `python clean.py` todo dia às 4h.",
    ),
    (
        "pt",
        "weekly",
        "Também um CronJob `cleanup` que roda `python clean.py` toda segunda-feira às 6h30.",
    ),
    ("pt", "hourly", "Também um CronJob `cleanup` que roda `python clean.py` de hora em hora."),
    (
        "pt",
        "every 15 minutes",
        "Também um CronJob `cleanup` que roda `python clean.py` a cada 15 minutos.",
    ),
    (
        "pt",
        "nightly, no overlap",
        "Também um CronJob `cleanup` que roda `python clean.py` toda noite às 3h, fuso horário "
        "Europe/Madrid, sem execuções sobrepostas.",
    ),
    ("pt", "grace period", "Ele precisa de 120 segundos para desligar."),
    (
        "pt",
        "placement",
        "Tem que tolerar o taint `dedicated=monitoring:NoSchedule` e rodar só em nós com o "
        "label `disktype=ssd`.",
    ),
    (
        "pt",
        "shared volume",
        "Um volume de 10Gi em `/data`, compartilhado entre todas as réplicas.",
    ),
    (
        "pt",
        "read-only host path",
        "Montar o `/var/log` do nó como somente leitura em `/host/log`.",
    ),
    ("pt", "one replica", "Uma réplica só já basta."),
    ("pt", "two replicas", "Duas réplicas, por favor."),
    ("pt", "three replicas", "Queremos três réplicas."),
    (
        "pt",
        "resources",
        "Recursos: requests de 200m de CPU e 256Mi de memória, limite de 512Mi.",
    ),
    ("pt", "ClusterIP, no Ingress", "Service do tipo ClusterIP na porta 8080, sem Ingress."),
    ("pt", "LoadBalancer", "Expor com um Service do tipo LoadBalancer."),
    (
        "pt",
        "existing Secret",
        "A senha `DB_PASSWORD` vem do Secret existente `shop-db`, chave `password`.",
    ),
    (
        "pt",
        "external database",
        "Já temos um Postgres gerenciado, então não coloque no chart.",
    ),
    (
        "pt",
        "persistence",
        "Persistência: 10Gi em `/data`, com a storage class `fast`.",
    ),
    (
        "pt",
        "migration",
        "Um Job de migração com a mesma imagem roda `python manage.py migrate` antes de cada "
        "instalação e atualização.",
    ),
    (
        "pt",
        "worker, same image",
        "Também um worker com a mesma imagem da app, que roda `python worker.py`.",
    ),
    ("pt", "disruption budget", "Um PDB com minAvailable 1, por favor."),
    # -------------------------------------------------------------------------------- French
    (
        "fr",
        "autoscaling",
        "Autoscaling : minimum 2, maximum 5 réplicas, à 75 % de CPU.",
    ),
    ("fr", "probes", "Sondes : readiness sur `/ready`, liveness sur `/live`."),
    ("fr", "one probe path", "Les sondes readiness et liveness sur `/healthz`."),
    ("fr", "health check", "Le health check est sur `/healthz`."),
    ("fr", "command", "Le conteneur exécute `gunicorn shop.wsgi:app`."),
    (
        "fr",
        "bundled datastore",
        "Le PostgreSQL est inclus dans le chart. `DB_HOST` et `DB_PASSWORD` doivent pointer vers "
        "ce postgres.",
    ),
    (
        "fr",
        "daily",
        "Et un CronJob `cleanup` qui exécute `python clean.py` tous les jours à 4h.",
    ),
    (
        "fr",
        "weekly",
        "Et un CronJob `cleanup` qui exécute `python clean.py` tous les lundis à 6h30.",
    ),
    ("fr", "hourly", "Et un CronJob `cleanup` qui exécute `python clean.py` toutes les heures."),
    (
        "fr",
        "every 15 minutes",
        "Et un CronJob `cleanup` qui exécute `python clean.py` toutes les 15 minutes.",
    ),
    (
        "fr",
        "nightly, no overlap",
        "Et un CronJob `cleanup` qui exécute `python clean.py` chaque nuit à 3h, fuseau horaire "
        "Europe/Madrid, sans exécutions qui se chevauchent.",
    ),
    ("fr", "grace period", "Il lui faut 120 secondes pour s'arrêter proprement."),
    (
        "fr",
        "placement",
        "Il doit tolérer le taint `dedicated=monitoring:NoSchedule` et tourner uniquement sur "
        "les nœuds avec le label `disktype=ssd`.",
    ),
    (
        "fr",
        "shared volume",
        "Un volume de 10Gi sur `/data`, partagé entre toutes les réplicas.",
    ),
    (
        "fr",
        "read-only host path",
        "Monter le `/var/log` du nœud en lecture seule sur `/host/log`.",
    ),
    ("fr", "one replica", "Une seule réplica suffit."),
    ("fr", "two replicas", "Deux réplicas, s'il vous plaît."),
    ("fr", "three replicas", "Nous voulons trois réplicas."),
    (
        "fr",
        "resources",
        "Ressources : requests de 200m de CPU et 256Mi de mémoire, limite à 512Mi.",
    ),
    (
        "fr",
        "ClusterIP, no Ingress",
        "Un Service de type ClusterIP sur le port 8080, pas d'Ingress.",
    ),
    ("fr", "LoadBalancer", "L'exposer avec un Service de type LoadBalancer."),
    (
        "fr",
        "existing Secret",
        "Le mot de passe `DB_PASSWORD` vient du Secret existant `shop-db`, clé `password`.",
    ),
    (
        "fr",
        "external database",
        "Nous avons déjà un Postgres managé, donc ne le mettez pas dans le chart.",
    ),
    (
        "fr",
        "persistence",
        "Persistance : 10Gi sur `/data`, avec la storage class `fast`.",
    ),
    (
        "fr",
        "migration",
        "Un Job de migration avec la même image exécute `python manage.py migrate` avant chaque "
        "installation et mise à jour.",
    ),
    (
        "fr",
        "worker, same image",
        "Aussi un worker avec la même image que l'app, qui exécute `python worker.py`.",
    ),
    ("fr", "disruption budget", "Un PDB avec minAvailable 1, s'il vous plaît."),
    # -------------------------------------------------------------------------------- German
    (
        "de",
        "autoscaling",
        "Autoskalierung: mindestens 2, höchstens 5 Replikas, bei 75 % CPU.",
    ),
    ("de", "probes", "Probes: Readiness auf `/ready`, Liveness auf `/live`."),
    ("de", "one probe path", "Readiness- und Liveness-Probe auf `/healthz`."),
    ("de", "health check", "Der Health-Check liegt unter `/healthz`."),
    ("de", "command", "Der Container führt `gunicorn shop.wsgi:app` aus."),
    (
        "de",
        "bundled datastore",
        "Das PostgreSQL soll im Chart mitlaufen. `DB_HOST` und `DB_PASSWORD` müssen auf dieses "
        "Postgres zeigen.",
    ),
    (
        "de",
        "daily",
        "Dazu ein CronJob `cleanup`, der jeden Tag um 4 Uhr `python clean.py` ausführt.",
    ),
    (
        "de",
        "weekly",
        "Dazu ein CronJob `cleanup`, der jeden Montag um 6:30 Uhr `python clean.py` ausführt.",
    ),
    ("de", "hourly", "Dazu ein CronJob `cleanup`, der jede Stunde `python clean.py` ausführt."),
    (
        "de",
        "every 15 minutes",
        "Dazu ein CronJob `cleanup`, der alle 15 Minuten `python clean.py` ausführt.",
    ),
    (
        "de",
        "nightly, no overlap",
        "Dazu ein CronJob `cleanup`, der jede Nacht um 3 Uhr `python clean.py` ausführt, "
        "Zeitzone Europe/Madrid, keine überlappenden Läufe.",
    ),
    ("de", "grace period", "Er braucht 120 Sekunden zum Herunterfahren."),
    (
        "de",
        "placement",
        "Er muss den Taint `dedicated=monitoring:NoSchedule` tolerieren und nur auf Knoten mit "
        "dem Label `disktype=ssd` laufen.",
    ),
    (
        "de",
        "shared volume",
        "Ein 10Gi-Volume unter `/data`, das sich alle Replikas teilen.",
    ),
    (
        "de",
        "read-only host path",
        "Das `/var/log` des Knotens schreibgeschützt unter `/host/log` einhängen.",
    ),
    ("de", "one replica", "Eine Replika reicht."),
    ("de", "two replicas", "Bitte zwei Replikas."),
    ("de", "three replicas", "Wir wollen drei Replikas."),
    (
        "de",
        "resources",
        "Ressourcen: Requests 200m CPU und 256Mi Speicher, Limit 512Mi.",
    ),
    ("de", "ClusterIP, no Ingress", "Ein Service vom Typ ClusterIP auf Port 8080, kein Ingress."),
    ("de", "LoadBalancer", "Bitte über einen Service vom Typ LoadBalancer freigeben."),
    (
        "de",
        "existing Secret",
        "Das Passwort `DB_PASSWORD` kommt aus dem bestehenden Secret `shop-db`, Schlüssel "
        "`password`.",
    ),
    (
        "de",
        "external database",
        "Wir haben schon ein verwaltetes Postgres, das gehört nicht ins Chart.",
    ),
    (
        "de",
        "persistence",
        "Persistenz: 10Gi unter `/data`, mit der Storage-Klasse `fast`.",
    ),
    (
        "de",
        "migration",
        "Ein Migrations-Job mit demselben Image führt vor jeder Installation und jedem Upgrade "
        "`python manage.py migrate` aus.",
    ),
    (
        "de",
        "worker, same image",
        "Außerdem ein Worker mit demselben Image wie die App, der `python worker.py` ausführt.",
    ),
    ("de", "disruption budget", "Ein PDB mit minAvailable 1, bitte."),
    # ------------------------------------------------------------------------------- Italian
    (
        "it",
        "autoscaling",
        "Autoscaling: minimo 2, massimo 5 repliche, al 75% di CPU.",
    ),
    ("it", "probes", "Probe: readiness su `/ready` e liveness su `/live`."),
    ("it", "one probe path", "Le probe di readiness e liveness su `/healthz`."),
    ("it", "health check", "L'health check è su `/healthz`."),
    ("it", "command", "Il container esegue `gunicorn shop.wsgi:app`."),
    (
        "it",
        "bundled datastore",
        "Il PostgreSQL va incluso nel chart. `DB_HOST` e `DB_PASSWORD` devono puntare a quel "
        "postgres.",
    ),
    (
        "it",
        "daily",
        "Poi un CronJob `cleanup` che esegue `python clean.py` ogni giorno alle 4:00.",
    ),
    (
        "it",
        "weekly",
        "Poi un CronJob `cleanup` che esegue `python clean.py` ogni lunedì alle 6:30.",
    ),
    ("it", "hourly", "Poi un CronJob `cleanup` che esegue `python clean.py` ogni ora."),
    (
        "it",
        "every 15 minutes",
        "Poi un CronJob `cleanup` che esegue `python clean.py` ogni 15 minuti.",
    ),
    (
        "it",
        "nightly, no overlap",
        "Poi un CronJob `cleanup` che esegue `python clean.py` ogni notte alle 3:00, fuso orario "
        "Europe/Madrid, senza esecuzioni sovrapposte.",
    ),
    ("it", "grace period", "Gli servono 120 secondi per spegnersi."),
    (
        "it",
        "placement",
        "Deve tollerare il taint `dedicated=monitoring:NoSchedule` e girare solo sui nodi con "
        "la label `disktype=ssd`.",
    ),
    (
        "it",
        "shared volume",
        "Un volume da 10Gi su `/data`, condiviso tra tutte le repliche.",
    ),
    (
        "it",
        "read-only host path",
        "Montare il `/var/log` del nodo in sola lettura su `/host/log`.",
    ),
    ("it", "one replica", "Basta una replica."),
    ("it", "two replicas", "Due repliche, per favore."),
    ("it", "three replicas", "Vogliamo tre repliche."),
    (
        "it",
        "resources",
        "Risorse: requests di 200m di CPU e 256Mi di memoria, limite di 512Mi.",
    ),
    (
        "it",
        "ClusterIP, no Ingress",
        "Un Service di tipo ClusterIP sulla porta 8080, niente Ingress.",
    ),
    ("it", "LoadBalancer", "Esporlo con un Service di tipo LoadBalancer."),
    (
        "it",
        "existing Secret",
        "La password `DB_PASSWORD` viene dal Secret esistente `shop-db`, chiave `password`.",
    ),
    (
        "it",
        "external database",
        "Abbiamo già un Postgres gestito, quindi non mettetelo nel chart.",
    ),
    (
        "it",
        "persistence",
        "Persistenza: 10Gi su `/data`, con la storage class `fast`.",
    ),
    (
        "it",
        "migration",
        "Un Job di migrazione con la stessa immagine esegue `python manage.py migrate` prima di "
        "ogni installazione e aggiornamento.",
    ),
    (
        "it",
        "worker, same image",
        "Anche un worker con la stessa immagine dell'app, che esegue `python worker.py`.",
    ),
    ("it", "disruption budget", "Un PDB con minAvailable 1, per favore."),
]


@pytest.mark.parametrize(("lang", "fact", "said"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_fact_reads_the_same_in_every_language(lang: str, fact: str, said: str) -> None:
    text = OPENING[lang] + said
    assert language(text) == lang
    req = read(text)
    assert req.image is not None and req.image.reference == "acme/shop:2.4.0"
    assert CHECKS[fact](req), gloss(text)


def test_every_fact_is_stated_in_every_language() -> None:
    said = {(lang, fact) for lang, fact, _ in CASES}
    assert said == {(lang, fact) for lang in OPENING for fact in CHECKS}
