"""The demo's texts: customer-service messages to classify and dialogues to mark entities in.

Written by hand to read like a Chinese shop's customer service (some messages could go
either way, as real ones do). Entities are marked inline as 【text|label】; ``parse``
turns a marked dialogue into its plain text and span offsets (code points).
"""

from __future__ import annotations

import re

from sync_server.protocol import Label, LabelSchema

INTENT_SCHEMA = LabelSchema(
    version=1,
    labels=[
        Label("inquiry", "咨询", "#4363d8"),
        Label("complaint", "投诉", "#e6194b"),
        Label("refund", "退款", "#f58231"),
        Label("logistics", "物流", "#3cb44b"),
        Label("after_sales", "售后维修", "#911eb4"),
        Label("praise", "表扬", "#42d4f4"),
    ],
)

INTENT_GUIDELINES = """\
# 客服消息意图分类 · 标注规范

每条消息选 **一个** 最主要的意图（数字键 1–6 选择，回车或 D 下一条）。

| 类别 | 说明 |
|---|---|
| 咨询 | 询问商品、活动、规则，还没有发生问题 |
| 投诉 | 对服务、商品、配送表达不满，要求给说法 |
| 退款 | 要求退钱、退差价、查询退款进度 |
| 物流 | 查询快递、改地址、配送时间 |
| 售后维修 | 商品坏了要修、要换、要配件 |
| 表扬 | 表达满意、感谢 |

一条消息既抱怨又要求退款时，以 **客户最想要的结果** 为准（要退钱 → 退款）。
"""

# (message, the class an attentive annotator would choose)
MESSAGES = [
    ("请问这款空气净化器适合多大面积的房间使用？", "inquiry"),
    ("你们店里的羽绒服有没有加大码？我平时穿XXL。", "inquiry"),
    ("这个手机壳能用在华为Mate 60上吗？", "inquiry"),
    ("会员积分可以抵扣运费吗？", "inquiry"),
    ("你好，这款奶粉适合几个月大的宝宝喝？", "inquiry"),
    ("请问周末下单的话，周一能发货吗？", "inquiry"),
    ("电饭煲的内胆是不锈钢的还是不粘涂层的？", "inquiry"),
    ("你们有线下门店吗？我想去实体店看看。", "inquiry"),
    ("买两件能不能再便宜一点？", "inquiry"),
    ("这款洗发水孕妇可以用吗？", "inquiry"),
    ("客服态度太差了，问了三遍都没人回复，你们就是这样做生意的？", "complaint"),
    ("收到的鞋子左右脚尺码不一样，质检是怎么做的？", "complaint"),
    ("快递员没打电话就把包裹放在楼下，结果丢了，我要投诉！", "complaint"),
    ("说好的七天无理由退货，现在又说拆封了不能退，太坑人了。", "complaint"),
    ("页面上写的是正品，收到的明显是仿冒的，我要求给个说法。", "complaint"),
    ("同一个问题我已经反映了一个星期，到现在还没有人处理。", "complaint"),
    ("你们的促销价格和结算时的价格不一样，这是虚假宣传。", "complaint"),
    ("配送员态度恶劣，还骂人，必须给我一个交代。", "complaint"),
    ("送来的蛋糕完全压坏了，生日都过不好了。", "complaint"),
    ("刚买三天价格就降了一百块，你们这样对老顾客不公平。", "complaint"),
    ("订单已经取消了，钱什么时候能退回到我的银行卡？", "refund"),
    ("我申请了退货，商家也签收了，为什么退款还没到账？", "refund"),
    ("衣服尺码不合适，想退货退款，请问怎么操作？", "refund"),
    ("重复付款了两次，麻烦把多扣的那一笔退给我。", "refund"),
    ("退款显示成功了，但是支付宝里没看到钱。", "refund"),
    ("商品缺货你们取消了订单，退款要等几天？", "refund"),
    ("我买的课程还没开始上，可以全额退款吗？", "refund"),
    ("优惠券用不了导致多付了二十元，能退差价吗？", "refund"),
    ("水果到货就坏了一半，申请部分退款可以吗？", "refund"),
    ("预售定金能退吗？我不想要了。", "refund"),
    ("我的快递三天没有更新物流信息了，帮我查一下。", "logistics"),
    ("显示已签收，可是我根本没有收到包裹。", "logistics"),
    ("能不能帮我改一下收货地址？我搬家了。", "logistics"),
    ("为什么发的是韵达？我备注了要发顺丰。", "logistics"),
    ("新疆地区包邮吗？大概几天能到？", "logistics"),
    ("包裹卡在中转站好几天了，什么时候能派送？", "logistics"),
    ("下单时填错了电话号码，快递员联系不上我怎么办？", "logistics"),
    ("可以指定周六送货吗？工作日家里没人。", "logistics"),
    ("物流显示派送中，但是一直没送到，快递员电话也打不通。", "logistics"),
    ("同一个订单为什么分成了两个包裹发？", "logistics"),
    ("洗衣机用了两个月就不脱水了，能上门维修吗？", "after_sales"),
    ("耳机右边没声音了，还在保修期内，怎么申请换新？", "after_sales"),
    ("空调安装师傅什么时候能上门？", "after_sales"),
    ("手机屏幕出现一条绿线，这个算质量问题吗？", "after_sales"),
    ("电动牙刷充不进电，是不是充电器坏了？", "after_sales"),
    ("冰箱冷藏室不制冷，需要寄回去修还是有人上门？", "after_sales"),
    ("笔记本电脑键盘有几个键失灵，保修能免费换吗？", "after_sales"),
    ("扫地机器人总是找不到充电座，有什么解决办法？", "after_sales"),
    ("热水器显示E3故障代码，这是什么意思？", "after_sales"),
    ("买的台灯开关接触不良，能给我补发一个配件吗？", "after_sales"),
    ("客服小姐姐特别耐心，帮我解决了问题，给你们点赞！", "praise"),
    ("快递速度太快了，昨晚下单今天上午就到了。", "praise"),
    ("包装很用心，水果一个都没有坏，下次还来买。", "praise"),
    ("售后师傅上门很准时，修得也很仔细，非常满意。", "praise"),
    ("衣服质量比想象中好，面料很舒服，五星好评。", "praise"),
    ("退款处理得很快，当天就到账了，体验很好。", "praise"),
    ("谢谢你们主动联系我补发了缺少的零件，服务很贴心。", "praise"),
    ("第一次在你们家买东西，整体体验很棒，会推荐给朋友。", "praise"),
    ("客服回复很及时，问题说得清清楚楚。", "praise"),
    ("商品和描述完全一致，物流也快，满意！", "praise"),
]

ENTITY_SCHEMA = LabelSchema(
    version=1,
    labels=[
        Label("person", "人名", "#e6194b"),
        Label("place", "地名", "#3cb44b"),
        Label("phone", "电话", "#4363d8"),
        Label("product", "商品", "#f58231"),
    ],
)

ENTITY_GUIDELINES = """\
# 客服对话实体标注 · 标注规范

用鼠标拖选（或 Shift+方向键）选中文字，再按数字键标注：

| 键 | 类别 | 标什么 | 例子 |
|---|---|---|---|
| 1 | 人名 | 客户、客服、师傅、快递员的姓名（含“王师傅”这类称呼） | 马秀兰、王师傅 |
| 2 | 地名 | 省、市、县、区、街道、学校、车站等地点 | 临夏州积石山县、兰州西站 |
| 3 | 电话 | 手机号、座机号、客服热线，连同区号和短横线 | 0931-8456723 |
| 4 | 商品 | 品牌 + 商品名，整体标成一段 | 美的电饭煲、iPhone 15 |

- 不要把“客户：”“客服：”标进去，也不要多选前后的标点。
- 实体之间不能重叠。
- 部分对话已经由系统预标注，请逐条核对：标错的改掉，漏标的补上。
"""

_MARK = re.compile(r"【([^【】|]+)\|([a-z_]+)】")

# every third of these arrives pre-annotated (as a model's suggestion would)
DIALOGUES = [
    "客户：你好，我是【王建华|person】，上周在你们店买的【美的电饭煲|product】坏了。\n客服：王先生您好，请问您的联系电话是多少？\n"
    "客户：【13912345678|phone】，我住在【兰州市城关区|place】。",
    "客服：您好，请问有什么可以帮您？\n客户：我想查一下寄到【临夏州积石山县|place】的包裹，收件人是【马秀兰|person】。\n"
    "客服：好的，请提供收件人手机号。\n客户：【15809301234|phone】。",
    "客户：【小米手环8|product】充不进电了，能换吗？\n客服：可以的，请问购买人姓名？\n客户：【韩志强|person】，电话【18693012345|phone】。",
    "客户：我在【西宁|place】，买的【格力空调|product】什么时候能安装？\n客服：师傅【李强|person】明天上午联系您。",
    "客服：您好，这里是售后中心。\n客户：我叫【张丽|person】，【华为MatePad|product】的屏幕有划痕。\n"
    "客服：麻烦留个电话，我们安排换货。\n客户：【0931-8456723|phone】，白天都能打通。",
    "客户：请把【iPhone 15|product】寄到【北京市朝阳区望京街道|place】，收件人【刘洋|person】。\n客服：好的，已经备注。",
    "客户：我上个月买的【海尔冰箱|product】不制冷。\n客服：请问您在哪个城市？\n客户：【天水市麦积区|place】。\n"
    "客服：稍后【王师傅|person】会打【17709381234|phone】联系您。",
    "客户：你好，我是【马小燕|person】，订单里的【安踏跑鞋|product】尺码发错了。\n客服：抱歉，我们马上为您换货。",
    "客户：快递员【赵刚|person】说放在【兰州大学|place】东门了，可是我没找到。\n客服：我帮您联系他，他的电话是【13309310011|phone】。",
    "客户：【九阳豆浆机|product】漏水，是质量问题吗？\n客服：需要看一下照片，您也可以拨打【400-820-1234|phone】。",
    "客服：请问您是【陈静|person】女士吗？\n客户：是的。\n客服：您在【成都市武侯区|place】的订单已经发出，是一台【戴森吹风机|product】。",
    "客户：我要退【三只松鼠坚果礼盒|product】，一直没发货。\n客服：好的，请问注册手机号？\n客户：【13519326677|phone】。",
    "客户：我在【银川|place】出差，能把【联想笔记本|product】改寄到酒店吗？\n客服：可以，请提供酒店地址。\n"
    "客户：【银川市金凤区|place】万达广场旁边的如家酒店。",
    "客户：上次帮我处理的客服叫【周敏|person】，她说【飞利浦剃须刀|product】可以保修两年。\n客服：是的，凭购买记录即可保修。",
    "客户：【伊利纯牛奶|product】送到的时候箱子破了。\n客服：请问收货地址是【临夏市|place】吗？\n客户：对，电话【18919304455|phone】。",
    "客服：您好，【韩秀英|person】为您服务。\n客户：我想问【苏泊尔炒锅|product】能不能用在电磁炉上。\n客服：可以的，底部是复合底。",
    "客户：麻烦查一下寄往【西安市雁塔区|place】的【荣耀手机|product】。\n客服：物流显示已到西安转运中心，明天派送。",
    "客户：我是【杨帆|person】，电话【13893012288|phone】，【科沃斯扫地机器人|product】找不到充电座。\n客服：您可以先清洁一下回充感应窗。",
    "客户：老人不会用手机，能打【0930-5212345|phone】给我妈妈【马玉梅|person】说明一下怎么取件吗？\n客服：可以，我们今天下午联系她。",
    "客户：我在【兰州西站|place】，点的【肯德基全家桶|product】还没送到。\n客服：骑手【孙磊|person】已在路上，预计十分钟送达。",
    "客户：你们【积石山县|place】有售后网点吗？我的【海信电视|product】没信号了。\n客服：有的，网点电话是【0930-7712345|phone】。",
    "客户：我叫【白云飞|person】，想给【甘南州合作市|place】的父母寄一台【小天鹅洗衣机|product】。\n客服：好的，合作市支持送货上门。",
    "客户：【优衣库羽绒服|product】洗了一次就掉毛。\n客服：非常抱歉，请把订单号和电话发给我。\n客户：电话是【15193012345|phone】。",
    "客服：【马建国|person】先生，您的【松下电动牙刷|product】已经寄出，单号稍后短信通知。\n客户：好的，寄到【兰州市七里河区|place】对吧？\n客服：是的。",
    "客户：打【12345|phone】投诉你们也没人管！\n客服：您先别着急，请问是哪一件商品？\n客户：【奥克斯电暖器|product】，用了一天就坏了。",
    "客户：我在【定西|place】，能不能周末送【鲁花花生油|product】？\n客服：可以的，周六上午配送。",
    "客户：请帮我找一下【王春花|person】订的【蒙牛酸奶|product】，她说没收到。\n客服：显示放在【东乡县锁南镇|place】的驿站了。",
    "客户：我的【OPPO Reno 11|product】摔了一下，屏幕碎了，可以修吗？\n客服：可以到【兰州市安宁区|place】的服务中心，"
    "或拨打【400-166-6888|phone】预约。",
    "客户：客服【刘倩|person】让我重新下单，可是【良品铺子|product】的优惠没了。\n客服：我们补发一张优惠券给您。",
    "客户：你好，我要改收货人，改成【韩梅梅|person】，电话【13619305566|phone】，地址【青海省海东市|place】。\n客服：已经修改好了。",
]

RECEIPT_SCHEMA = LabelSchema(version=1, labels=[Label("line", "文字行", "#4363d8")])

RECEIPT_GUIDELINES = """\
# 小票文字转写 · 标注规范

图片右侧已经填好了电脑识别出的文字（每行一条），请对照图片逐行核对：

- 错字、漏字、多字都要改正；看不清的字用“□”代替。
- 一行一条，顺序和小票上从上到下一致；金额保留小数点和两位小数。
- 点击某一行，图片会跳到那一行的位置。
- 整张图片都看不清时，用“标记”说明原因，不要留空提交。
"""


def parse(marked: str) -> tuple[str, list[list]]:
    """The plain text of a marked dialogue and its spans ``[start, end, label]``, in code points."""
    text, spans, done = [], [], 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[done : match.start()]
        text.append(before)
        length += len(before)
        surface, label = match.group(1), match.group(2)
        spans.append([length, length + len(surface), label])
        text.append(surface)
        length += len(surface)
        done = match.end()
    text.append(marked[done:])
    return "".join(text), spans
