<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnnotatePage</name>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="56"/>
        <source>← Home</source>
        <translation>← 返回首页</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="64"/>
        <source>← Previous (A)</source>
        <translation>← 上一项 (A)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="65"/>
        <source>Next (D) →</source>
        <translation>下一项 (D) →</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="163"/>
        <source>Change class</source>
        <translation>修改类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="171"/>
        <source>Delete box</source>
        <translation>删除框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="177"/>
        <source>Mark as no objects</source>
        <translation>标记为无目标</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="180"/>
        <source>Draw box</source>
        <translation>画框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="180"/>
        <source>Move box</source>
        <translation>移动框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="180"/>
        <source>Resize box</source>
        <translation>调整框大小</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="198"/>
        <source>This change could not be saved: %1</source>
        <translation>这次修改没能保存：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="220"/>
        <source>Item %1 / %2</source>
        <translation>第 %1 / %2 项</translation>
    </message>
</context>
<context>
    <name>BatchTableModel</name>
    <message>
        <location filename="../../aidou_desktop/ui/batch_table_model.py" line="22"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/batch_table_model.py" line="23"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/batch_table_model.py" line="24"/>
        <source>Labelled</source>
        <translation>已标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/batch_table_model.py" line="25"/>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/batch_table_model.py" line="26"/>
        <source>Lease until</source>
        <translation>截止时间</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/batch_table_model.py" line="94"/>
        <source>%1 (expired)</source>
        <translation>%1（已过期）</translation>
    </message>
</context>
<context>
    <name>GuidelinesPanel</name>
    <message>
        <location filename="../../aidou_desktop/ui/guidelines_panel.py" line="16"/>
        <source>Guidelines</source>
        <translation>标注规范</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/guidelines_panel.py" line="33"/>
        <source>This order has no guidelines.</source>
        <translation>这个订单没有标注规范。</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="35"/>
        <source>Offline login (using the account cached on this PC)</source>
        <translation>离线登录（使用本机缓存的账号）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="38"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="63"/>
        <source>You have no batches yet. Press Sync to fetch the batches your lead has given you.</source>
        <translation>你还没有批次。点“同步”获取组长分配给你的批次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="68"/>
        <source>Download batch</source>
        <translation>下载批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="69"/>
        <source>Download the batch&apos;s images to work without the network</source>
        <translation>把这个批次的图片下载到本机，没有网络也能标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="71"/>
        <source>Start labelling</source>
        <translation>开始标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="73"/>
        <source>Open the first unlabelled item of the batch (Enter)</source>
        <translation>打开这个批次里第一个还没标注的题目（回车键）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="84"/>
        <source>My batches</source>
        <translation>我的批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="108"/>
        <source>Hello, %1</source>
        <translation>你好，%1</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="29"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="41"/>
        <source>AI豆 Annotation</source>
        <translation>AI豆 标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="43"/>
        <source>Log in with the account your base office gave you.</source>
        <translation>请用基地分配给你的账号登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="48"/>
        <source>No network? If you have logged in on this PC before, you can still log in and keep working offline.</source>
        <translation>没有网络？只要以前在这台电脑上登录过，照样可以登录，离线继续标注。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="56"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="57"/>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="58"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="97"/>
        <source>Logging in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/login_page.py" line="123"/>
        <source>Please fill in the server address, username and password.</source>
        <translation>请填写服务器地址、用户名和密码。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="39"/>
        <source>AI豆 Annotation</source>
        <translation>AI豆 标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="137"/>
        <source>Syncing: uploading your work and fetching new batches…</source>
        <translation>正在同步：上传你的标注，获取新批次…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="142"/>
        <source>Downloading the batch&apos;s images…</source>
        <translation>正在下载批次图片…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/main_window.py" line="162"/>
        <source>%n image(s) could not be downloaded. Press Download batch to try again.</source>
        <translation>
            <numerusform>有 %n 张图片没能下载。请再点一次“下载批次”。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="181"/>
        <source>Download the batch first: none of its images are on this PC yet.</source>
        <translation>请先下载这个批次：本机还没有它的图片。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="15"/>
        <source>The disk is full. Everything saved before is safe, but new changes cannot be saved. Free some disk space (or ask your base admin), then carry on.</source>
        <translation>磁盘已满。之前保存的标注都还在，但新的修改无法保存。请清理一些磁盘空间（或联系基地管理员）后继续。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="21"/>
        <source>Cannot reach the server. Your work is kept on this PC and will be uploaded later.</source>
        <translation>连不上服务器。你的标注已保存在本机，联网后会自动上传。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="25"/>
        <source>The server did not accept your login. Please log out and log in again.</source>
        <translation>服务器不认可当前登录，请退出后重新登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="29"/>
        <source>This app is too old for the server. Please ask your base admin to install the new version.</source>
        <translation>软件版本太旧，服务器已不支持。请联系基地管理员安装新版本。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="33"/>
        <source>Another sync is already running on this PC. Try again in a minute.</source>
        <translation>本机正在进行另一次同步，请稍等一分钟再试。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="37"/>
        <source>Log in online once before syncing.</source>
        <translation>同步前需要先联网登录一次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="39"/>
        <source>This image file is damaged. Download the batch again.</source>
        <translation>这张图片文件已损坏，请重新下载批次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="41"/>
        <source>The server refused the request: %1</source>
        <translation>服务器拒绝了请求：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="42"/>
        <source>Something went wrong: %1</source>
        <translation>出错了：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="49"/>
        <source>Wrong username or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="54"/>
        <source>The server cannot be reached, and offline login failed: either the password is wrong, or this user has never logged in on this PC. Connect to the network for the first login.</source>
        <translation>连不上服务器，离线登录也没有成功：可能是密码错误，或者这个账号从没在这台电脑上登录过。第一次登录必须联网。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="63"/>
        <source>Not labelled yet</source>
        <translation>未标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="65"/>
        <source>Waiting to upload</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="67"/>
        <source>Uploaded</source>
        <translation>已上传</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="69"/>
        <source>Uploaded; another annotator also labelled it, the lead will decide</source>
        <translation>已上传；另一位标注员也标了这一项，由组长裁定</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="73"/>
        <source>Sent back: %1</source>
        <translation>被退回：%1</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="18"/>
        <source>Labels (press 1–9)</source>
        <translation>类别（按数字键 1–9）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="22"/>
        <source>Delete box (Del)</source>
        <translation>删除框 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="23"/>
        <source>No objects (E)</source>
        <translation>无目标 (E)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="24"/>
        <source>This image has nothing to label: mark it as done without boxes</source>
        <translation>这张图里没有要标的目标：不画框，直接标记为已完成</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="32"/>
        <source>Drag to draw a box (also inside another box). Click a box to select it; drag its corners to resize; Shift+drag moves it.
D / → next · A / ← previous
Ctrl+Z undo · Ctrl+Shift+Z redo · Del delete · Esc deselect
Wheel: zoom · Space+drag: pan · F: fit</source>
        <translation>拖动鼠标画框（在别的框里面也能画）。单击框可选中，拖动框角调整大小，按住 Shift 拖动可移动框。
D / → 下一项 · A / ← 上一项
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做 · Del 删除 · Esc 取消选中
滚轮：缩放 · 空格+拖动：平移 · F：适应窗口</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="49"/>
        <source>%n box(es) on this image</source>
        <translation>
            <numerusform>本图共 %n 个框</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncBar</name>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="38"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="39"/>
        <source>Upload your work and fetch new batches now</source>
        <translation>马上上传标注并获取新批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="56"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="56"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="59"/>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="59"/>
        <source>Never synced</source>
        <translation>还没有同步过</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="60"/>
        <source>%n item(s) waiting to upload</source>
        <translation>
            <numerusform>%n 项待上传</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="62"/>
        <source>%n sent back to fix</source>
        <translation>
            <numerusform>%n 项被退回待修改</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="71"/>
        <source>in sync</source>
        <translation>已同步</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="72"/>
        <source>offline, nothing sent</source>
        <translation>离线，未能同步</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="73"/>
        <source>needs a login</source>
        <translation>需要重新登录</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="74"/>
        <source>items need a lead</source>
        <translation>有数据需组长处理</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="75"/>
        <source>local error, see the log</source>
        <translation>本机出错，请看日志</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="76"/>
        <source>disk full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="77"/>
        <source>another sync was running</source>
        <translation>另一个同步正在进行</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="78"/>
        <source>the app needs an update</source>
        <translation>软件需要更新</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="81"/>
        <source>running or interrupted</source>
        <translation>进行中或被中断</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="85"/>
        <source>Scheduled sync %1: %2</source>
        <translation>定时同步 %1：%2</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/sync_bar.py" line="98"/>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
</context>
</TS>
