"""The demo catalogue, users and broadcast (and seeding them), and the people, places and chat of the simulator."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth import users
from app.auth.models import ApiToken, User
from app.auth.passwords import hash_password
from app.auth.tokens import issue_token
from app.client import DEMO_TOKEN_NAME
from app.db import utcnow
from live import broadcasts as lineup
from live.models import Broadcast
from orders import catalog

DEMO_ROLES = ("admin", "host", "moderator", "auditor", "analyst", "aftersales")
DEMO_USER_PREFIX = "demo-"
DEMO_BROADCAST_TITLE = "Demo live: autumn flash sale"
DEMO_PLATFORM = "douyin"


@dataclass(frozen=True)
class VariantSpec:
    """A size/colour variant of a demo product, with its own SKU and stock."""

    sku: str
    name: str
    stock: int


@dataclass(frozen=True)
class ProductSpec:
    """A demo product: list price, live price on air (None: sold at list price), stock or variants."""

    sku: str
    name: str
    price: Decimal
    stock: int
    live_price: Decimal | None = None
    variants: tuple[VariantSpec, ...] = field(default_factory=tuple)


_COLOURS = {"BLK": "黑色 (Black)", "WHT": "白色 (White)", "NVY": "藏青 (Navy)", "GRY": "灰色 (Grey)",
            "RED": "酒红 (Burgundy)", "BRN": "棕色 (Brown)", "CML": "驼色 (Camel)"}
# How a viewer names a colour in a claim ("3号 M 黑色"): the Chinese word of each colour code.
COLOUR_WORDS = {code: name.split(" ")[0] for code, name in _COLOURS.items()}


def _variants(base: str, sizes: tuple[str, ...], colours: tuple[str, ...], stock: int) -> tuple[VariantSpec, ...]:
    """Return one variant per size and colour, SKUs like TSHIRT-01-M-BLK (size or colour left out when absent)."""
    variants = []
    for size in sizes or ("",):
        for colour in colours or ("",):
            parts = [p for p in (size, colour) if p]
            name = " / ".join([size] * bool(size) + [_COLOURS.get(colour, "")] * bool(colour))
            variants.append(VariantSpec(sku="-".join([base, *parts]), name=name, stock=stock))
    return tuple(variants)


def demo_username(role: str) -> str:
    """Return the username of the demo user with role."""
    return f"{DEMO_USER_PREFIX}{role}"


_D = Decimal
CATALOGUE: tuple[ProductSpec, ...] = (
    ProductSpec("SCARF-01", "羊绒围巾 (Cashmere scarf)", _D("399.00"), 0, _D("299.00"),
                _variants("SCARF-01", (), ("GRY", "RED", "CML"), 120)),
    ProductSpec("TSHIRT-01", "纯棉T恤 (Cotton T-shirt)", _D("89.00"), 0, _D("59.00"),
                _variants("TSHIRT-01", ("S", "M", "L", "XL"), ("BLK", "WHT"), 150)),
    ProductSpec("JACKET-01", "轻薄羽绒服 (Light down jacket)", _D("899.00"), 0, _D("599.00"),
                _variants("JACKET-01", ("M", "L", "XL"), ("BLK", "NVY"), 60)),
    ProductSpec("SNEAKER-01", "跑步鞋 (Running shoes)", _D("459.00"), 0, _D("369.00"),
                _variants("SNEAKER-01", ("38", "39", "40", "41", "42", "43"), (), 40)),
    ProductSpec("BAG-01", "真皮托特包 (Leather tote bag)", _D("699.00"), 0, _D("499.00"),
                _variants("BAG-01", (), ("BRN", "BLK"), 50)),
    ProductSpec("TEA-01", "西湖龙井 250g (Longjing green tea)", _D("268.00"), 300, _D("198.00")),
    ProductSpec("HONEY-01", "土蜂蜜 500g (Wild honey)", _D("88.00"), 400, _D("69.90")),
    ProductSpec("MASK-01", "补水面膜 10片 (Hydrating face masks, 10)", _D("129.00"), 500, _D("89.00")),
    ProductSpec("LIPSTICK-01", "哑光口红 (Matte lipstick)", _D("199.00"), 250),
    ProductSpec("THERMOS-01", "保温杯 500ml (Vacuum flask)", _D("139.00"), 300, _D("99.00")),
    ProductSpec("EARBUD-01", "蓝牙耳机 (Bluetooth earbuds)", _D("299.00"), 200, _D("239.00")),
    ProductSpec("RICE-01", "五常大米 5kg (Wuchang rice)", _D("79.90"), 600, _D("59.90")),
    ProductSpec("WALNUT-01", "纸皮核桃 1kg (Paper-shell walnuts)", _D("59.00"), 400),
    ProductSpec("SILK-01", "桑蚕丝枕套 (Mulberry silk pillowcase)", _D("159.00"), 200, _D("119.00")),
    ProductSpec("SOCKS-01", "羊毛袜 3双装 (Wool socks, 3 pairs)", _D("49.00"), 800, _D("29.90")),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN_NAMES = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
               "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "婷婷", "子涵", "浩然", "欣怡", "雨桐", "梓轩")
# (province, city, districts): real administrative names, municipalities repeat the city as province.
PLACES = (
    ("浙江省", "杭州市", ("西湖区", "上城区", "拱墅区", "滨江区", "余杭区")),
    ("浙江省", "宁波市", ("海曙区", "鄞州区", "江北区")),
    ("广东省", "广州市", ("天河区", "越秀区", "海珠区", "番禺区")),
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区", "龙岗区")),
    ("北京市", "北京市", ("朝阳区", "海淀区", "东城区", "丰台区")),
    ("上海市", "上海市", ("浦东新区", "徐汇区", "静安区", "闵行区")),
    ("江苏省", "南京市", ("鼓楼区", "玄武区", "秦淮区", "建邺区")),
    ("江苏省", "苏州市", ("姑苏区", "吴中区", "相城区")),
    ("四川省", "成都市", ("武侯区", "锦江区", "青羊区", "成华区")),
    ("湖北省", "武汉市", ("武昌区", "江汉区", "洪山区")),
    ("山东省", "青岛市", ("市南区", "崂山区", "黄岛区")),
    ("陕西省", "西安市", ("雁塔区", "碑林区", "未央区")),
    ("福建省", "厦门市", ("思明区", "湖里区", "集美区")),
    ("湖南省", "长沙市", ("岳麓区", "芙蓉区", "天心区")),
    ("重庆市", "重庆市", ("渝中区", "江北区", "南岸区")),
    ("河南省", "郑州市", ("金水区", "二七区", "中原区")),
)
STREETS = ("文三路", "解放路", "人民路", "中山路", "建设路", "和平路", "长江路", "新华路", "学院路", "东风路")
NICKNAMES = ("爱吃鱼的猫", "小太阳", "momo", "阿杰", "lily_w", "追光者", "橙子", "快乐小王", "Tina", "大白",
             "风一样的女子", "老李", "小鹿乱撞", "jack2024", "奶茶续命", "summer", "夏天的风", "Kiki", "阿花", "程序猿")
PAYMENT_METHODS = ("alipay", "wechat_pay", "douyin_pay")
CANCEL_REASONS = ("买错了尺码", "不想要了", "地址填错了", "重复下单", "changed my mind")

# {code} is the on-air number of a line-up product (A1, A2...), {size} a size, {qty} a quantity.
# {size} is the words of one of the product's variants ("M BLK"), empty for a product without: most viewers name
# the variant, some forget (the claim then waits as variant_missing, as it would on air).
CLAIM_TEXTS = ("拍了 {qty}件 {code} {size}", "已拍 {code} {size} {qty}件", "SOLD {code} {size} {qty}",
               "{code} {size} 要{qty}个", "+{qty}", "下单了 {code}", "take {code} {size} x{qty}")
QUESTION_TEXTS = ("多少钱", "{code} 多少钱？", "{code} 还有吗", "有没有XL码", "什么时候发货？", "能不能便宜点",
                  "How much is {code}?", "Do you have {code} in black?", "链接在哪里", "包邮吗")
CHATTER_TEXTS = ("主播好美", "来了来了", "哈哈哈", "666", "好看！", "已关注", "Love this!", "hello from Shanghai",
                 "这个颜色绝了", "等开抢", "质量怎么样", "上次买的很好用", "冲冲冲", "nice")
HOSTILE_TEXTS = ("<script>alert(1)</script>", "加微信 abc123", "vx: cheap_bags88", "便宜正品 www.spam-shop.cn",
                 "加我 13800138000 私聊", "<img src=x onerror=alert(1)>", "=HYPERLINK(\"http://evil.example\")",
                 "傻X主播", "扣扣 12345678 低价")
BURST_TEXTS = ("开抢了!!!", "抢抢抢", "拍了拍了", "没抢到呜呜", "手慢无", "3 2 1 上链接!", "GO GO GO")


def fake_viewer(rng: random.Random) -> tuple[str, str]:
    """Return a platform viewer id and nickname drawn from rng."""
    name = rng.choice(NICKNAMES)
    viewer_id = f"dy_{rng.getrandbits(40):010x}"
    return viewer_id, name if rng.random() < 0.5 else f"{name}{rng.randint(1, 999)}"


def fake_buyer(rng: random.Random, buyer_id: str) -> dict:
    """Return plausible buyer details (name, mobile number, real province/city/district) drawn from rng."""
    province, city, districts = rng.choice(PLACES)
    return {
        "id": buyer_id,
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        "phone": f"1{rng.choice('3456789')}{rng.randrange(10 ** 9):09d}",
        "address": {"province": province, "city": city, "district": rng.choice(districts),
                    "detail": f"{rng.choice(STREETS)}{rng.randint(1, 999)}号"
                              f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 6)}室"},
    }


@dataclass
class SeedReport:
    """What seed_demo did: products made, logins and token issued now (shown once), and the broadcast."""

    created_products: list[str] = field(default_factory=list)
    product_count: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    existing_users: list[str] = field(default_factory=list)
    token: str | None = None
    token_kept: bool = False
    broadcast: Broadcast | None = None
    broadcast_created: bool = False

    @property
    def changed(self) -> bool:
        """Return True when anything was created or reset."""
        return bool(self.created_products or self.logins or self.token or self.broadcast_created)

    def summary(self, url: str, token_path: Path) -> list[str]:
        """Return the lines to print: what was done, then URL, logins and token (shown this once)."""
        lines = []
        if not self.changed:
            lines.append("Demo data exists already; nothing changed. Passwords are shown only when they are made: "
                         "run `flask --app wsgi seed-demo --force` for new ones (products are never duplicated).")
        elif self.created_products:
            lines.append(f"created {len(self.created_products)} products")
        if self.existing_users and self.changed:
            lines.append(f"kept the passwords of {', '.join(self.existing_users)} (--force sets new ones)")
        if self.token_kept and self.changed:
            lines.append(f"kept the API token {DEMO_TOKEN_NAME} (its value is in {token_path}): a running demo goes "
                         "on; revoke it on the Tokens page and run seed-demo (or make demo) again for a new one")
        b = self.broadcast
        lines += ["=" * 64, f"  URL        {url}",
                  f"  Broadcast  #{b.id} \"{b.title}\" on {b.platform} ({b.status}), {self.product_count} products "
                  "in the line-up"]
        if self.logins:
            lines.append("  Logins (shown once):")
            lines += [f"    {role:<10} {username:<16} {password}" for role, username, password in self.logins]
        if self.token:
            lines += [f"  API token {DEMO_TOKEN_NAME} (shown once; saved to {token_path}):", f"    {self.token}"]
        lines += ["  Next: flask --app wsgi run   then   flask --app wsgi simulate --seed 1 --rate 10", "=" * 64]
        return lines


def seed_demo(session: Session, force: bool = False) -> SeedReport:
    """Return what was done after loading the demo data into session (not committed); products are never duplicated.

    Missing pieces are always created. With force, existing demo users get new passwords (users.set_password: their
    sessions end, as after any change of password). The demo token is issued only when there is none or it was
    revoked: a running `make demo` keeps sending with the one it read.
    """
    report = SeedReport(product_count=len(CATALOGUE))
    for spec in CATALOGUE:
        if not catalog.sku_taken(session, spec.sku):
            variants = [{"sku": v.sku, "name": v.name, "stock": v.stock, "price": None} for v in spec.variants]
            catalog.create_product(session, spec.sku, spec.name, spec.price, spec.stock, variants)
            report.created_products.append(spec.sku)
    for role in DEMO_ROLES:
        username = demo_username(role)
        user = session.scalar(sa.select(User).where(User.username == username))
        if user is not None and not force:
            report.existing_users.append(username)
            continue
        password = secrets.token_urlsafe(9)
        if user is None:
            session.add(User(username=username, password_hash=hash_password(password), role=role))
        else:
            users.set_password(session, user, password)
            user.role = role  # set_password has ended the sessions opened under any other role
        report.logins.append((role, username, password))
    token = session.scalar(sa.select(ApiToken).where(ApiToken.name == DEMO_TOKEN_NAME))
    if token is None or token.revoked_at is not None:
        if token is not None:
            # The name stays with the live token: the events' dedup key is (token name, event id).
            token.name = f"{DEMO_TOKEN_NAME} revoked {utcnow():%Y%m%dT%H%M%S%f}"
            session.flush()
        report.token = issue_token(session, DEMO_TOKEN_NAME)
    else:
        report.token_kept = True
    broadcast = session.scalar(sa.select(Broadcast).where(
        Broadcast.title == DEMO_BROADCAST_TITLE, Broadcast.status != "ended").order_by(Broadcast.id.desc()))
    if broadcast is None:
        broadcast = lineup.create_broadcast(session, DEMO_BROADCAST_TITLE, DEMO_PLATFORM)
        report.broadcast_created = True
    if report.broadcast_created or report.created_products or force:
        for spec in CATALOGUE:
            lineup.add_to_lineup(session, broadcast, spec.sku, spec.live_price)
    report.broadcast = broadcast
    session.flush()
    return report
