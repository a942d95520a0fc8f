"""The words ``gloss`` reads as English in Indonesian (and Malay) requests.

Indonesian puts the adjective after its noun ("image resmi" is the official image, "volume
persisten" a persistent volume, "secret TLS" the TLS secret, "node yang sama" the same node),
joins "its" to the noun ("panduannya", "port-nya") and has one preposition, "di", for "in", "on"
and "at". Its engineers write the Kubernetes words in English ("Secret", "port", "request"), so
those stay as they are; what is glossed is the words around them.

"resmi" (official) must never be left standing after "image": the English readers would take the
bare word after "image" for the image's name.
"""

from __future__ import annotations

from bot.tools.parsing.gloss_words.common import CODE, KINDS, Lexicon

# "-nya" is "its"/"the" joined to a noun: "imagenya", "port-nya", "chart-nya".
_NYA = r"(?:-?nya)?"
_CHART = rf"chart{_NYA}"
_CLUSTER = r"(?:klaster|kluster|cluster)(?:\s+(?:kami|kita))?"
_EXISTING = r"(?:yang\s+)?(?:sudah\s+(?:ada|dibuat)|(?:sudah\s+)?tersedia)"
_INTO = r"(?:ke\s+dalam|ke|di\s+dalam|di)"
# Verbs that open a clause saying where values go: "..., tolong isi `A` dan `B` dari situ".
_FILL = r"(?:tolong\s+|mohon\s+|silakan\s+)?(?:isi|isikan|ambil|set|pakai|gunakan|masukkan)"

INDONESIAN: Lexicon = (
    # The noun first, its adjective after.
    (rf"image{_NYA}\s+(?:docker\s+)?(?:resmi|official|asli)", "official image"),
    (rf"(?:dengan\s+)?image{_NYA}\s+yang\s+sama", "with the same image"),
    (rf"({KINDS})\s+{_EXISTING}", r"existing \1"),
    (rf"({KINDS})\s+({CODE})\s+{_EXISTING}", r"existing \1 \2"),
    (rf"(?:secret|rahasia){_NYA}\s+TLS|TLS\s+secret{_NYA}", "TLS secret"),
    (
        r"(dua|tiga|empat|\d+)\s+(?:volume|penyimpanan|disk)\s+(?:persisten|permanen)",
        r"\1 persistent volumes",
    ),
    (r"(?:volume|penyimpanan|disk)\s+(?:yang\s+)?(?:persisten|permanen)", "persistent volume"),
    (r"kelas\s+penyimpanan|storage\s*class", "storage class"),
    (r"kelas\s+ingress", "ingress class"),
    (r"(?:batas|limit)\s+(?:memori|RAM)", "memory limit"),
    (r"(?:batas|limit)\s+CPU", "CPU limit"),
    (
        r"(?:harus|wajib)\s+selalu\s+(?:berada\s+|ada\s+|jalan\s+)?di\s+node\s+yang\s+sama",
        "must always be on the same node",
    ),
    (r"(?:berada\s+|ada\s+)?di\s+node\s+yang\s+sama", "on the same node"),
    (r"node\s+yang\s+sama", "the same node"),
    (r"variabel\s+(?:lingkungan|environment|env)|environment\s+variable", "environment variables"),
    (r"(?:health\s*check|pemeriksaan\s+kesehatan|cek\s+kesehatan)(?:nya)?", "health check"),
    # "Secret `s` dengan key `a` dan `b`, tolong isi `A` dan `B` dari situ": the English readers
    # read a list of keys on through a comma, so the clause that fills the variables is set off
    # by a colon, as an English writer would.
    (rf"(?<=`),\s+({_FILL})(?=\s+{CODE})", r": \1"),
    (r"(?:dengan|pakai)\s+(?:key|kunci)", "with keys"),
    (r"(?:key|kunci)(?:nya)?(?=\s+`)", "key"),
    (r"kunci", "key"),
    (r"dari\s+(?:situ|sana|sini|secret\s+(?:itu|tersebut))", "from it"),
    (r"(?:password|kata\s+sandi|sandi)\s+(?:database|basis\s+data|DB)", "database password"),
    (r"(?:nama\s+pengguna|username)(?:nya)?", "username"),
    (r"(?:kata\s+sandi|sandi|password)(?:nya)?", "password"),
    (r"pengguna", "user"),
    # What goes in the chart and what stays out of it.
    (
        rf"(?:jangan|tidak\s+usah|tidak\s+perlu)\s+(?:di)?(?:masukkan|taruh|sertakan|bundel)\s+"
        rf"({CODE}|[\w-]+)\s+{_INTO}\s+{_CHART}",
        r"\1 is not part of the chart",
    ),
    (
        rf"(?:tidak|jangan)\s+(?:usah\s+|perlu\s+|boleh\s+)?(?:di)?(?:masuk(?:kan)?|ada|ikut|"
        rf"sertakan)\s+(?:{_INTO}\s+)?{_CHART}",
        "is not part of the chart",
    ),
    (
        rf"(?:tolong\s+)?(?:bundel|sertakan|masukkan|ikutkan)\s+({CODE}|[\w-]+)\s+{_INTO}\s+"
        rf"{_CHART}",
        r"bundle \1 in the chart",
    ),
    (
        rf"(?:tolong\s+)?(?:di)?(?:bundel|sertakan|masukkan|ikutkan)\s+{_INTO}\s+{_CHART}",
        "bundled in the chart",
    ),
    (rf"{_INTO}\s+{_CHART}", "in the chart"),
    (
        r"(?:kami|kita)\s+(?:pakai|menggunakan|memakai)\s+(?:yang\s+)?(?:managed|terkelola)",
        "we use a managed one",
    ),
    (r"(?:yang\s+)?(?:managed|terkelola)", "managed"),
    (rf"Helm\s+{_CHART}|chart\s+Helm", "Helm chart"),
    (rf"{_CHART}", "chart"),
    (rf"di\s+luar\s+{_CLUSTER}", "outside the cluster"),
    (rf"(?:sudah\s+)?ada\s+di\s+{_CLUSTER}", "already exists in the cluster"),
    (rf"di\s+(?:dalam\s+)?{_CLUSTER}", "in the cluster"),
    (r"klaster|kluster", "cluster"),
    # Counts: "1 replika", "satu replika", "dua replika".
    (r"(?:satu|1)\s+(?:replika|instance|instans)", "1 replica"),
    (r"(\d+)\s+(?:replika|instance|instans)", r"\1 replicas"),
    (r"(?:jumlah\s+)?replika(?:nya)?", "replicas"),
    (rf"(?:sebuah|satu)(?=\s+(?:{KINDS})\b)", "a"),
    (r"(?:mendengarkan|listen|berjalan|jalan)\s+di\s+port", "listens on port"),
    (r"(?:dijalankan|jalankan|berjalan|jalan)\s+sebagai", "run as"),
    (r"(?:di-?mount|dipasang|mount)\s+(?:ke|di)", "mounted at"),
    (r"(?:tipe|jenis)(?:nya)?", "type"),
    (r"port-?nya", "the port"),
    (r"di\s+(port|node|namespace)", r"on \1"),
    (r"sertifikat(?:nya)?", "certificate"),
    (r"memori", "memory"),
    (r"(?:sumber\s+daya|resource)(?:nya)?", "resources"),
    (r"permintaan", "requests"),
    (r"batas(?:an)?", "limit"),
    (r"(?:basis|pangkalan)\s+data|database(?:nya)?", "database"),
    (r"penyimpanan", "storage"),
    (r"(?:dengan\s+)?(?:ukuran|sebesar|berukuran)(?:nya)?", "of"),
    (r"nama\s+domain|domain(?:nya)?", "domain"),
    (r"aplikasi(?:nya)?", "the app"),
    (r"perintah(?:nya)?", "command"),
    (r"(?:yang\s+)?menjalankan", "running"),
    # Schedules: "setiap hari jam 03:00", "tiap 15 menit".
    (r"(?:jam|pukul)\s+(\d{1,2}[:.]\d\d)", r"at \1"),
    (r"(?:setiap|tiap)\s+(\d+)\s+menit", r"every \1 minutes"),
    (r"(?:setiap|tiap)\s+(\d+)\s+jam", r"every \1 hours"),
    (r"(?:setiap|tiap)\s+menit", "every minute"),
    (r"(?:setiap|tiap)\s+jam|per\s+jam", "hourly"),
    (r"(?:setiap|tiap)\s+malam", "every night"),
    (r"(?:setiap|tiap)\s+hari|harian", "daily"),
    (r"(?:setiap|tiap)\s+minggu|mingguan", "weekly"),
    (r"zona\s+waktu", "time zone"),
    (
        r"(?:tidak\s+boleh|jangan)\s+(?:jalan\s+|berjalan\s+)?(?:paralel|bersamaan|tumpang\s+tindih)",
        "never in parallel",
    ),
    # The requests around the facts.
    (
        r"(?:saya|kami)\s+(?:mau|ingin)\s+minta\s+(?:dibuatkan|dibikinkan)(?:\s+sebuah)?",
        "I would like a",
    ),
    (r"(?:minta\s+)?(?:tolong\s+)?(?:dibuatkan|buatkan|bikinkan)(?:\s+sebuah)?", "please make a"),
    # The owner after the noun: "layanan `invoice-api` kami" is our `invoice-api` service.
    (rf"layanan\s+({CODE})\s+(?:kami|kita)", r"our \1 service"),
    (r"layanan\s+(?:kami|kita)", "our service"),
    (r"aplikasi\s+(?:kami|kita)", "our app"),
    (r"layanan", "service"),
    (r"tim", "team"),
    (r"(?:tugas|job)\s+(?:terjadwal|berkala)", "scheduled job"),
    (r"kebutuhan(?:nya)?|persyaratan(?:nya)?", "requirements"),
    (r"compose\s+panduan(?:nya)?", "the guide's compose"),
    (r"panduan(?:nya)?", "the guide"),
    (r"konfigurasi(?:nya)?", "configuration"),
    (r"(?:harus\s+)?tetap\s+ada", "must persist"),
    (r"harus\s+bisa", "must be able to"),
    (r"ke\s+sini|di\s+sini", "here"),
    (r"dari\s+luar", "from outside"),
    (r"tidak\s+(?:perlu|usah)|nggak\s+(?:perlu|usah)|gak\s+perlu", "no need for"),
    (r"(?:saya|kami|kita)\s+(?:perlu|butuh)", "we need"),
    (r"(?:saya|kami|kita)\s+(?:mau|ingin)", "we want"),
    (r"(?:sudah|telah)\s+ada", "already exist"),
    (r"ada\s+di", "is in"),
    (r"(?:karena|soalnya)\s+(?:pakai|menggunakan|memakai)", "since we use"),
    (r"(?:pakai|gunakan)\s+untuk", "use it for"),
    (r"pakai|pakailah|gunakan|menggunakan|memakai", "use"),
    (r"jalankan|dijalankan", "run"),
    (r"berjalan|jalan", "runs"),
    (r"isi(?:kan)?", "fill"),
    (r"ambil", "take"),
    (r"masukkan|taruh", "put"),
    (r"selama\s+ini", "so far"),
    (r"sekarang", "now"),
    (r"pindah(?:kan)?|migrasi(?:kan)?", "move"),
    (r"menulis", "writes"),
    (r"beberapa", "some"),
    (r"perlu|butuh", "need"),
    (r"mau|ingin", "want"),
    (rf"jangan(?=\s+{CODE})", "not"),
    (r"jangan|jgn", "do not"),
    (r"tidak|tak|nggak|gak|enggak|bukan", "not"),
    (r"tanpa", "without"),
    (r"harus|wajib", "must"),
    (r"selalu", "always"),
    (r"bisa|dapat", "can"),
    (r"punya|memiliki", "has"),
    (r"karena|soalnya", "since"),
    (r"jadi|sehingga", "so"),
    (r"cukup|hanya|saja", "just"),
    (r"juga", "too"),
    (r"sudah|telah", "already"),
    (r"setelah", "after"),
    (r"sama\s+seperti|seperti", "as"),
    (r"sebagai", "as"),
    (r"lewat|melalui", "via"),
    (rf"di\s+(?={CODE}|`/)", "at "),
    (r"di", "in"),
    (r"ke", "to"),
    (r"dari", "from"),
    (r"untuk", "for"),
    (r"dengan", "with"),
    (r"dan|serta", "and"),
    (r"atau", "or"),
    (r"yang", "that"),
    (r"ini", "this"),
    (r"itu|tersebut", "that"),
    (r"saya|aku", "I"),
    (r"kami|kita", "we"),
    (r"satu", "one"),
    (r"dua", "two"),
    (r"tiga", "three"),
    (r"empat", "four"),
    (r"lima", "five"),
    (r"terima\s+kasih\s+banyak|makasih\s+banyak", "many thanks"),
    (r"terima\s+kasih|makasih|trims", "thanks"),
    (r"tolong|mohon|silakan", "please"),
    (r"halo\s+semua(?:nya)?|hai\s+semua(?:nya)?", "hi everyone"),
    (r"halo|hai", "hi"),
)
