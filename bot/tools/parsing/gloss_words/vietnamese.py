"""The words ``gloss`` reads as English in Vietnamese requests.

Vietnamese writes a word as several syllables parted by spaces ("bản sao" is a replica, "biến môi
trường" an environment variable, "bộ nhớ" memory), so each entry is a phrase of syllables. The
modifier follows its noun: "Secret có sẵn" is an existing Secret, "giới hạn bộ nhớ" (limit of
memory) the memory limit, "image chính thức" the official image, "cùng một node" the same node.
Its engineers write the Kubernetes words in English ("Secret", "request", "nodeSelector"), so
those stay; what is glossed is the words around them.

``gloss`` gives the text to these entries in composed form (NFC): a Vietnamese keyboard may type
a tone mark as a combining character ("Unicode tổ hợp"), which no entry would match.
"""

from __future__ import annotations

from bot.tools.parsing.gloss_words.common import CODE, KINDS, Lexicon

_EXISTING = r"(?:có\s+sẵn|sẵn\s+có|đã\s+có(?:\s+sẵn)?|hiện\s+có|đã\s+tạo(?:\s+sẵn)?)"
_WE = r"(?:chúng\s+tôi|chúng\s+mình|chúng\s+ta|bọn\s+mình|team\s+mình|bên\s+mình)"
_CHART = r"(?:Helm\s+)?chart"
# Verbs that open a clause saying where values go: "..., hãy lấy `A` và `B` từ đó".
_FILL = r"(?:hãy\s+|vui\s+lòng\s+|nhờ\s+)?(?:lấy|gán|đặt|điền|set|map|dùng)"
_MOVE = r"đưa|bỏ|cho|đóng\s+gói|nhét|kèm"

VIETNAMESE: Lexicon = (
    # The noun first, its modifier after.
    (r"image\s+(?:Docker\s+)?(?:chính\s+thức|gốc|official)", "official image"),
    (r"(?:dùng\s+)?(?:cùng\s+(?:một\s+)?image|image\s+giống\s+nhau)", "with the same image"),
    (r"(?:dùng|sử\s+dụng)\s+(official\s+)?image", r"with \1image"),
    (rf"({KINDS})\s+{_EXISTING}", r"existing \1"),
    (rf"({KINDS})\s+({CODE})\s+{_EXISTING}", r"existing \1 \2"),
    (r"(?:secret|bí\s+mật)\s+TLS", "TLS secret"),
    (
        r"(?:volume|ổ\s+đĩa|ổ\s+lưu\s+trữ)\s+(?:lưu\s+trữ\s+)?(?:lâu\s+dài|bền\s+vững|cố\s+định|"
        r"persistent)",
        "persistent volume",
    ),
    (r"lưu\s+trữ\s+(?:lâu\s+dài|bền\s+vững|cố\s+định)", "persistent storage"),
    (r"ổ\s+đĩa", "volume"),
    (r"lớp\s+lưu\s+trữ|storage\s*class", "storage class"),
    (r"lớp\s+ingress|ingress\s+class", "ingress class"),
    (r"giới\s+hạn\s+(?:bộ\s+nhớ|RAM|memory)", "memory limit"),
    (r"giới\s+hạn\s+CPU", "CPU limit"),
    (
        r"phải\s+luôn\s+(?:chạy\s+|nằm\s+|ở\s+)?(?:trên|ở|tại)\s+cùng\s+(?:một\s+)?(?:node|nút)",
        "must always be on the same node",
    ),
    (r"(?:trên|ở|tại)\s+cùng\s+(?:một\s+)?(?:node|nút)", "on the same node"),
    (r"cùng\s+(?:một\s+)?(?:node|nút)", "the same node"),
    (r"(?:các\s+)?biến\s+môi\s+trường", "environment variables"),
    (r"kiểm\s+tra\s+(?:sức\s+khỏe|sức\s+khoẻ|tình\s+trạng)|health\s*check", "health check"),
    # "Secret `s` với các key `a` và `b`, hãy lấy `A` và `B` từ đó": the English readers read a
    # list of keys on through a comma, so the clause that fills the variables is set off by a
    # colon, as an English writer would.
    (rf"(?<=`),\s+({_FILL})(?=\s+{CODE})", r": \1"),
    (r"với\s+(?:các\s+)?(?:key|khóa|khoá)", "with keys"),
    (r"(?:key|khóa|khoá)\s+(JWT|API|SSH|TLS)", r"\1 key"),
    (r"(?:các\s+)?(?:key|khóa|khoá)(?=\s+`)", "key"),
    (r"khóa|khoá", "key"),
    (r"(?:lấy\s+)?từ\s+(?:đó|đấy|(?:Secret|secret)\s+(?:đó|này|trên))", "from it"),
    (r"(?:được\s+)?lấy\s+từ", "from"),
    (r"tên\s+đăng\s+nhập|tên\s+người\s+dùng", "username"),
    (r"mật\s+khẩu\s+(?:của\s+)?(?:database|cơ\s+sở\s+dữ\s+liệu|CSDL|DB)", "database password"),
    (r"mật\s+khẩu", "password"),
    (r"người\s+dùng", "user"),
    (r"(?:cơ\s+sở\s+dữ\s+liệu|CSDL|database)", "database"),
    # What goes in the chart and what stays out of it.
    (
        rf"(?:không|đừng)\s+(?:{_MOVE})\s+({CODE}|[\w-]+)\s+(?:vào|trong)\s+{_CHART}",
        r"\1 is not part of the chart",
    ),
    (
        rf"(?:không|đừng)\s+(?:{_MOVE}|nằm|ở|có)\s+(?:vào|trong)\s+{_CHART}",
        "is not part of the chart",
    ),
    (
        rf"(?:{_MOVE}|bundle)\s+({CODE}|(?!luôn\b)[\w-]+)\s+(?:luôn\s+)?(?:vào|trong)\s+{_CHART}",
        r"bundle \1 in the chart",
    ),
    (rf"(?:{_MOVE})\s+(?:luôn\s+)?(?:vào|trong)\s+{_CHART}", "bundled in the chart"),
    (rf"(?:vào|trong)\s+{_CHART}", "in the chart"),
    (
        rf"{_WE}\s+(?:dùng|sử\s+dụng)\s+(?:dịch\s+vụ\s+|bản\s+)?(?:managed|được\s+quản\s+lý)",
        "we use a managed one",
    ),
    (r"(?:bên\s+)?ngoài\s+cluster", "outside the cluster"),
    (r"(?:bên\s+)?trong\s+cluster", "in the cluster"),
    (r"chart\s+Helm|Helm\s+chart", "Helm chart"),
    # Counts: "1 bản sao", "hai bản sao".
    (r"(?:1|một)\s+(?:bản\s+sao|replica|instance)", "1 replica"),
    (r"(\d+)\s+(?:bản\s+sao|replica|instance)", r"\1 replicas"),
    (r"hai\s+(?:bản\s+sao|replica)", "2 replicas"),
    (r"ba\s+(?:bản\s+sao|replica)", "3 replicas"),
    (r"(?:số\s+(?:lượng\s+)?)?bản\s+sao", "replicas"),
    (rf"một(?=\s+(?:{KINDS})\b)", "a"),
    (r"(?:lắng\s+nghe|listen|chạy)\s+(?:trên|ở|tại)\s+cổng", "listens on port"),
    (r"chạy\s+(?:dưới\s+dạng|như|bằng|theo\s+kiểu|là)", "run as"),
    (r"dưới\s+dạng", "as"),
    (r"(?:gắn|mount)\s+(?:vào|tại|ở)", "mounted at"),
    (r"(Service)\s+(?:loại|kiểu|dạng)", r"\1 of type"),
    (r"loại|kiểu", "type"),
    (r"(?:trên|ở|tại)\s+cổng", "on port"),
    (r"cổng", "port"),
    (r"chứng\s+chỉ", "certificate"),
    (r"tên\s+miền", "domain"),
    (r"tài\s+nguyên", "resources"),
    (r"bộ\s+nhớ", "memory"),
    (r"giới\s+hạn", "limit"),
    (r"yêu\s+cầu", "requests"),
    (r"dung\s+lượng|kích\s+thước", "size"),
    (r"dữ\s+liệu", "data"),
    (r"ứng\s+dụng", "the app"),
    (r"dịch\s+vụ", "service"),
    (r"lệnh", "command"),
    # Schedules: "mỗi ngày lúc 03:00", "mỗi 15 phút".
    (r"(?:vào\s+)?lúc\s+(\d{1,2}[:.]\d\d)", r"at \1"),
    (r"mỗi\s+(\d+)\s+phút", r"every \1 minutes"),
    (r"mỗi\s+(\d+)\s+(?:giờ|tiếng)", r"every \1 hours"),
    (r"mỗi\s+phút", "every minute"),
    (r"(?:mỗi|hằng|hàng)\s+giờ", "hourly"),
    (r"(?:mỗi|hằng|hàng)\s+đêm", "every night"),
    (r"(?:mỗi|hằng|hàng)\s+ngày", "daily"),
    (r"(?:mỗi|hằng|hàng)\s+tuần", "weekly"),
    (r"múi\s+giờ", "time zone"),
    (
        r"không\s+(?:được\s+)?chạy\s+(?:song\s+song|chồng(?:\s+chéo)?|đồng\s+thời)",
        "never in parallel",
    ),
    # The requests around the facts.
    (
        r"(?:(?:nhờ|xin|vui\s+lòng|làm\s+ơn|hãy)\s+)?(?:(?:các\s+bạn|anh\s+chị|mọi\s+người)\s+)?"
        r"(?:tạo|viết|làm)\s+(?:giúp|dùm|hộ)(?:\s+(?:mình|tôi|em))?(?:\s+một)?",
        "please make a",
    ),
    (r"(?:hãy\s+)?(?:tạo|viết)(?:\s+một)?", "make a"),
    (
        r"(?:mọi\s+người|các\s+bạn)\s+ơi|chào\s+(?:mọi\s+người|cả\s+nhà|các\s+bạn|anh\s+chị)",
        "hi all",
    ),
    (r"xin\s+chào|chào", "hi"),
    (r"cảm\s+ơn\s+(?:rất\s+)?nhiều|cám\s+ơn\s+(?:rất\s+)?nhiều", "many thanks"),
    (r"cảm\s+ơn|cám\s+ơn", "thanks"),
    (r"vui\s+lòng|làm\s+ơn|hãy|nhờ", "please"),
    (r"đang\s+chuyển", "are moving"),
    (r"chuyển", "move"),
    # "Redis thì ...": the topic, then what is said of it; "nếu ... thì ...": if ..., then ...
    (rf"({CODE}|[\w-]+)\s+thì", r"\1,"),
    (r"nếu", "if"),
    (r"không\s+cần", "no need for"),
    (r"đã\s+(?:có|nằm)\s+(?:sẵn\s+)?(?:trong|ở)", "are already in"),
    (r"(?:có|nằm)\s+(?:sẵn\s+)?trong", "is in"),
    (r"(?:dùng|sử\s+dụng)\s+(?:cho|làm)", "use it for"),
    (r"dùng|sử\s+dụng", "use"),
    (r"lấy", "take"),
    (r"điền|gán", "fill"),
    (r"chạy", "runs"),
    (r"đừng", "do not"),
    (r"không", "not"),
    (r"phải", "must"),
    (r"luôn", "always"),
    (r"cần", "need"),
    (r"cũng", "also"),
    (r"chỉ", "only"),
    (r"đã", "already"),
    (r"sẽ", "will"),
    (r"thêm", "plus"),
    (r"(?:các|những)", "the"),
    (rf"{_WE}", "we"),
    (r"mình|tôi", "I"),
    (r"của", "of"),
    (r"với", "with"),
    (r"cho", "for"),
    (r"từ", "from"),
    (r"sang", "to"),
    (r"trong", "in"),
    (r"trên", "on"),
    (r"tại|ở", "at"),
    (r"vào", "into"),
    (r"và", "and"),
    (r"hoặc", "or"),
    (r"là", "is"),
    (r"có", "has"),
    (r"này", "this"),
    (r"đó", "that"),
    (r"một", "a"),
    (r"hai", "two"),
)
