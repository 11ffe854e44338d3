<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnnotateHeader</name>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="33"/>
        <source>← Home</source>
        <translation>← 返回首页</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="40"/>
        <source>← Previous (A)</source>
        <translation>← 上一项 (A)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="41"/>
        <source>Next (D) →</source>
        <translation>下一项 (D) →</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="74"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="74"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="77"/>
        <source>Connected to the server: saved work uploads by itself.</source>
        <translation>已连接服务器：保存的标注会自动上传。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="78"/>
        <source>No link to the server: keep working, everything is saved on this PC and uploads later.</source>
        <translation>连不上服务器：可以继续标注，所有内容都保存在本机，联网后再上传。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="82"/>
        <source>Item %1 / %2</source>
        <translation>第 %1 / %2 项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="90"/>
        <source>Suggested: check it (Enter takes it as it is)</source>
        <translation>预标注：请核对（回车确认原样采用）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="96"/>
        <source>Marked: nothing to mark here · %1</source>
        <translation>已标为“无可标注” · %1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="102"/>
        <source>Sent back by the lead: %1</source>
        <translation>组长打回：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_header.py" line="106"/>
        <source>Flagged for the lead: %1</source>
        <translation>已标记存疑：%1</translation>
    </message>
</context>
<context>
    <name>AnnotatePage</name>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="239"/>
        <source>Take the suggestion</source>
        <translation>采用预标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="250"/>
        <source>No unlabelled items left in this batch.</source>
        <translation>这个批次里已经没有未标注的项了。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="252"/>
        <source>This is the only unlabelled item left in this batch.</source>
        <translation>这是本批次唯一还没标注的一项。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="298"/>
        <source>This item already has marks, so it cannot be marked as having nothing. Delete them first if it really has nothing to mark.</source>
        <translation>这一项已经有标注，不能再标为“无可标注”。如果确实没有可标的内容，请先删除已有标注。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="302"/>
        <source>Mark as nothing to mark</source>
        <translation>标记为无需标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="319"/>
        <source>Flag for the lead</source>
        <translation>标记存疑</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="319"/>
        <source>Remove flag</source>
        <translation>取消标记</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_page.py" line="392"/>
        <source>This change could not be saved: %1</source>
        <translation>这次修改没能保存：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/copy_previous.py" line="25"/>
        <source>The previous item has no boxes to copy.</source>
        <translation>上一项没有可复制的框。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/copy_previous.py" line="27"/>
        <source>The previous item&apos;s boxes are on this one already.</source>
        <translation>上一项的框已经在这一项上了。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/copy_previous.py" line="30"/>
        <source>Copy the previous item&apos;s boxes</source>
        <translation>复制上一项的框</translation>
    </message>
</context>
<context>
    <name>AnnotationCanvas</name>
    <message>
        <location filename="../../aidou_desktop/ui/canvas/outline_drawing.py" line="45"/>
        <source>An outline needs at least three points: click around the object, then click the first point or press Enter.</source>
        <translation>轮廓至少要有三个点：沿目标边缘逐点单击，再单击第一个点或按 Enter 闭合。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/canvas/outline_drawing.py" line="49"/>
        <source>The outline crosses itself. Press Backspace to take points back, and go around the object in one direction.</source>
        <translation>轮廓的边相互交叉了。按 Backspace 撤回点，沿同一个方向绕目标一圈。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/canvas/outline_drawing.py" line="83"/>
        <source>A polygon keeps at least three points: delete the whole polygon with Del.</source>
        <translation>多边形至少保留三个点；要删除整个多边形请按 Del。</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="50"/>
        <source>Assign batch</source>
        <translation>分配批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="51"/>
        <source>Assign</source>
        <translation>分配</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="56"/>
        <source>Take it from the holder even if the lease has not run out</source>
        <translation>强制分配：领取人的租约未到期也收回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="57"/>
        <source>Batch: %1</source>
        <translation>批次：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="58"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="59"/>
        <source>Lease</source>
        <translation>领取天数</translation>
    </message>
</context>
<context>
    <name>BatchEndBar</name>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="376"/>
        <source>Go to the first of them</source>
        <translation>转到第一个</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/item_list.py" line="392"/>
        <source>%n item(s) still unlabelled</source>
        <translation>
            <numerusform>还有 %n 项未标注</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/item_list.py" line="394"/>
        <source>%n sent back to fix</source>
        <translation>
            <numerusform>%n 项被打回待修改</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="395"/>
        <source>This is the last item. Still to do: %1.</source>
        <translation>这是最后一项。还要处理：%1。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="395"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="398"/>
        <source>Batch finished: all %1 items are labelled.</source>
        <translation>批次完成：%1 项全部标注完毕。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/item_list.py" line="400"/>
        <source>%n still waiting to upload: they upload by themselves.</source>
        <translation>
            <numerusform>%n 项等待上传：联网后会自动上传。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/item_list.py" line="403"/>
        <source>%n in conflict: the lead will decide.</source>
        <translation>
            <numerusform>%n 项有冲突：由组长决定。</numerusform>
        </translation>
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
    <name>BoxEditor</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="72"/>
        <source>This photo is very dark: press B for more contrast. If you still cannot see the objects, flag it (Q) as “Image not clear” instead of guessing.</source>
        <translation>这张照片很暗：按 B 增强对比度。如果还是看不清目标，请按 Q 存疑并选“图片不清楚”，不要猜着标。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="75"/>
        <source>This photo looks blurred. If you cannot tell the objects apart, flag it (Q) as “Image not clear” instead of guessing.</source>
        <translation>这张照片看起来很模糊。如果分辨不清目标，请按 Q 存疑并选“图片不清楚”，不要猜着标。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="85"/>
        <source>Select a box first (draw it loosely around the object), then press G.</source>
        <translation>请先选中一个框（在目标周围大致画一个框），再按 G。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="95"/>
        <source>No clear object edge inside this box: the box stays as drawn.</source>
        <translation>框里找不到清楚的目标边缘：框保持原样。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="100"/>
        <source>Snap box to the object</source>
        <translation>框贴紧目标</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="166"/>
        <source>Change class</source>
        <translation>修改类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="217"/>
        <source>Delete box</source>
        <translation>删除框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="192"/>
        <source>Draw box</source>
        <translation>画框</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="133"/>
        <source>%n point(s)</source>
        <translation>
            <numerusform>%n 个点</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="192"/>
        <source>Move box</source>
        <translation>移动框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="192"/>
        <source>Resize box</source>
        <translation>调整框大小</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="193"/>
        <source>Nudge box</source>
        <translation>微调框的位置</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="203"/>
        <source>%n box(es) on this image</source>
        <translation>
            <numerusform>本图共 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="206"/>
        <source>Drag to draw a box (also inside another box). Click a box to select it; drag its corners to resize; Shift+drag moves it; the arrow keys nudge it (Shift: 10×).
D / → next · A / ← previous (arrows step only while no box is selected)
Ctrl+Z undo · Ctrl+Shift+Z redo · Del delete · Esc deselect
Wheel: zoom · Space+drag: pan · F: fit · B: more contrast (on dark photos) · V: copy the previous item&apos;s boxes · G: snap the selected box to the object · H: hide/show boxes · L: hide/show labels</source>
        <translation>拖动鼠标画框（也可画在别的框里面）。单击框可选中；拖动四角调整大小；Shift+拖动移动；方向键微调位置（Shift：10 倍）。
D / → 下一项 · A / ← 上一项（选中框时方向键用来微调，不翻页）
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做 · Del 删除 · Esc 取消选中
滚轮：缩放 · 按住空格拖动：平移 · F：适应窗口 · B：增强对比度（适合偏暗的照片） · V：复制上一项的框 · G：选中的框自动贴紧目标 · H：隐藏/显示框 · L：隐藏/显示类别标签</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="211"/>
        <source>Drag to draw a box; 1–9 its class; click a box to select it, drag its corners to resize.
D / → next · A / ← previous · Ctrl+Z undo · Del delete
Wheel: zoom · F1: all keys</source>
        <translation>拖动鼠标画框；按 1–9 选类别；单击框可选中，拖动四角调整大小。
D / → 下一项 · A / ← 上一项 · Ctrl+Z 撤销 · Del 删除
滚轮：缩放 · F1：全部快捷键</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="220"/>
        <source>Delete box (Del)</source>
        <translation>删除框 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="223"/>
        <source>No objects (E)</source>
        <translation>无目标 (E)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/box_editor.py" line="226"/>
        <source>This image has nothing to label: mark it as done without boxes</source>
        <translation>这张图里没有要标的目标：不画框，直接标记为已完成</translation>
    </message>
</context>
<context>
    <name>ClassEditor</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="94"/>
        <source>Remove class</source>
        <translation>去掉类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="103"/>
        <source>Choose class</source>
        <translation>选择类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="108"/>
        <source>Clear classes</source>
        <translation>清除类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="122"/>
        <source>No class chosen yet: press 1–9 (several may apply)</source>
        <translation>还没有选择类别：按 1–9 选择（可以多选）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="124"/>
        <source>No class chosen yet: press 1–9</source>
        <translation>还没有选择类别：按 1–9 选择</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="134"/>
        <source>%n class(es) chosen</source>
        <translation>
            <numerusform>已选 %n 个类别</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="138"/>
        <source>Press 1–9 to add or remove a class: several may apply.</source>
        <translation>按 1–9 选择或取消类别，可以多选。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="140"/>
        <source>Press 1–9 to choose the class; the same key again clears it.</source>
        <translation>按 1–9 选择类别；再按同一个键取消。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="141"/>
        <source>Enter / D next · A previous
Ctrl+Z undo · Ctrl+Shift+Z redo · Del clear</source>
        <translation>Enter / D 下一项 · A 上一项
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做 · Del 清除</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="145"/>
        <source>Clear (Del)</source>
        <translation>清除 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="148"/>
        <source>None of these (E)</source>
        <translation>都不是 (E)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/class_editors.py" line="151"/>
        <source>No class applies: mark the item as done without a class</source>
        <translation>没有合适的类别：不选类别，直接标记为已完成</translation>
    </message>
</context>
<context>
    <name>ConflictView</name>
    <message>
        <location filename="../../aidou_desktop/ui/conflict_view.py" line="42"/>
        <source>annotator #%1</source>
        <translation>标注员 #%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/conflict_view.py" line="44"/>
        <source>Current revision</source>
        <translation>当前版本</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/conflict_view.py" line="44"/>
        <source>In conflict</source>
        <translation>冲突版本</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/conflict_view.py" line="45"/>
        <source>%1 · %2 · %3 box(es) · PC %4</source>
        <translation>%1 · %2 · %3 个框 · 电脑 %4</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/conflict_view.py" line="50"/>
        <source>Keep this one (%1)</source>
        <translation>保留这一版（%1）</translation>
    </message>
</context>
<context>
    <name>CopiesView</name>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="93"/>
        <source>Other annotators&apos; copies of this item (too few answers to compare yet)</source>
        <translation>其他标注员做的同一数据项（作答的还太少，暂不能比较）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="94"/>
        <source>Other annotators&apos; copies of this item · agreement %1%</source>
        <translation>其他标注员做的同一数据项 · 一致性 %1%</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="101"/>
        <source>Annotator #%1</source>
        <translation>标注员 #%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="102"/>
        <source>Copy %1</source>
        <translation>副本 %1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="104"/>
        <source>%1 · not answered yet</source>
        <translation>%1 · 尚未作答</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/review_copies.py" line="106"/>
        <source>%1 · %n mark(s)</source>
        <translation>
            <numerusform>%1 · %n 个标注</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="119"/>
        <source>No class chosen</source>
        <translation>未选择类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="124"/>
        <source>No entities marked</source>
        <translation>未标注实体</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_copies.py" line="126"/>
        <source>No text</source>
        <translation>没有文字</translation>
    </message>
</context>
<context>
    <name>DamagedDatabasePage</name>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="23"/>
        <source>AI豆 Annotation: the local database</source>
        <translation>AI豆 标注：本机数据库</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="35"/>
        <source>Repair (keep the damaged file aside, take back the work not uploaded yet, then download again from the server)</source>
        <translation>修复（另存损坏文件，取回未上传的工作，再从服务器重新下载）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="39"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="58"/>
        <source>The app cannot write to its data folder</source>
        <translation>软件无法写入数据文件夹</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="60"/>
        <source>The disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="61"/>
        <source>The local database is damaged</source>
        <translation>本机数据库已损坏</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="68"/>
        <source>The app keeps your work in %1, but it is not allowed to write there. Ask your base admin to give your Windows account write access to that folder, then start the app again. Nothing was changed.</source>
        <translation>软件把您的工作保存在 %1，但没有权限写入该文件夹。请联系基地管理员，为您的 Windows 账号开通该文件夹的写入权限，然后重新启动软件。没有任何内容被改动。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="74"/>
        <source>The disk that holds %1 is full, so the app cannot save anything. Free some disk space (delete files you no longer need, or ask your base admin), then start the app again. Your work saved before is safe.</source>
        <translation>%1 所在的磁盘已满，软件无法保存任何内容。请清理磁盘空间（删除不再需要的文件，或联系基地管理员），然后重新启动软件。之前保存的工作是安全的。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="79"/>
        <source>The database file is empty, although this PC has used it before.</source>
        <translation>数据库文件是空的，但这台电脑之前使用过它。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="81"/>
        <source>The database file is damaged (for example after a power cut or a disk error).</source>
        <translation>数据库文件已损坏（例如断电或磁盘错误之后）。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="83"/>
        <source>The database file cannot be read.</source>
        <translation>无法读取数据库文件。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="88"/>
        <source>Nothing has been changed or deleted: the damaged file is kept at %1. Repair moves it into a folder named damaged-… next to it, takes back the work that was not uploaded yet, and starts a new database. Log in and sync: everything the server holds is downloaded again. If this happens again, tell your base admin.</source>
        <translation>没有任何内容被改动或删除：损坏的文件保存在 %1。修复会把它移到旁边名为 damaged-… 的文件夹中，取回尚未上传的工作，并新建一个数据库。请登录并同步：服务器上已有的内容会重新下载。如果再次出现这种情况，请告诉基地管理员。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="100"/>
        <source>The repair did not finish: %1. Nothing was deleted. Tell your base admin.</source>
        <translation>修复未完成：%1。没有删除任何内容。请告诉基地管理员。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/damaged_db_page.py" line="106"/>
        <source>The database was repaired: %n revision(s) not uploaded yet were taken back. The damaged file is kept in %1. Log in to sync.</source>
        <translation>
            <numerusform>数据库已修复：取回了 %n 个尚未上传的版本。损坏的文件保存在 %1。请登录后同步。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DashboardTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="84"/>
        <source>The order whose figures are shown</source>
        <translation>显示哪个订单的数据</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="87"/>
        <source>Last %n days</source>
        <translation>
            <numerusform>最近 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="93"/>
        <source>Items done per day</source>
        <translation>每天完成条数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="94"/>
        <source>Accept rate (%)</source>
        <translation>通过率（%）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="95"/>
        <source>Gold score (%)</source>
        <translation>质检题得分（%）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="96"/>
        <source>Agreement (%)</source>
        <translation>一致率（%）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="114"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="115"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="116"/>
        <source>Items done</source>
        <translation>完成条数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="117"/>
        <source>Accepted</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="118"/>
        <source>Rejected</source>
        <translation>打回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="119"/>
        <source>Accept rate</source>
        <translation>通过率</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="120"/>
        <source>Gold score</source>
        <translation>质检题得分</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="121"/>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="136"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="146"/>
        <source>Choose an order to see its figures.</source>
        <translation>请选择一个订单查看数据。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="171"/>
        <source>Nobody has worked on this order in these days yet, so there is nothing to chart.</source>
        <translation>这几天还没有人做这个订单，暂时没有可画的数据。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_dashboard_tab.py" line="173"/>
        <source>%1 to %2 (UTC days). One line per annotator; a rate has a point only on days it was measured.</source>
        <translation>%1 至 %2（按 UTC 日期）。每位标注员一条线；比率只在有数据的日子画点。</translation>
    </message>
</context>
<context>
    <name>EarningsStrip</name>
    <message>
        <location filename="../../aidou_desktop/ui/earnings_strip.py" line="20"/>
        <source>(from this PC&apos;s data; corrected by each sync)</source>
        <translation>（按本机数据计算，每次同步后更正）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/earnings_strip.py" line="31"/>
        <source>Done today: %1</source>
        <translation>今天完成：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/earnings_strip.py" line="32"/>
        <source>This week: %1</source>
        <translation>本周：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/earnings_strip.py" line="35"/>
        <source>Accept rate %1% (%2 reviewed)</source>
        <translation>通过率 %1%（已审核 %2 项）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/earnings_strip.py" line="38"/>
        <source>Accept rate: nothing reviewed yet</source>
        <translation>通过率：还没有审核结果</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/earnings_strip.py" line="39"/>
        <source>Earned this month: ¥%1</source>
        <translation>本月收入：¥%1</translation>
    </message>
</context>
<context>
    <name>FlagDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="17"/>
        <source>Flag for the lead</source>
        <translation>标记存疑</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="19"/>
        <source>Not sure</source>
        <translation>拿不准</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="19"/>
        <source>Image not clear</source>
        <translation>图片不清楚</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="20"/>
        <source>What should the lead look at? The lead sees this note with the item. Keys 1–2 tick a reason.</source>
        <translation>请组长看什么？组长会在这道题旁看到这条说明。按 1–2 勾选原因。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="27"/>
        <source>Or write a note…</source>
        <translation>或写一句说明…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="35"/>
        <source>Flag</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="36"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="38"/>
        <source>Remove flag</source>
        <translation>取消标记</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="86"/>
        <source>Tick a reason or write a note, or press Cancel.</source>
        <translation>请勾选原因或写一句说明，或按“取消”。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="91"/>
        <source>The note is too long: at most %1 characters.</source>
        <translation>说明太长：最多 %1 个字。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/flag_dialog.py" line="105"/>
        <source>; </source>
        <translation>；</translation>
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
        <location filename="../../aidou_desktop/ui/home_page.py" line="40"/>
        <source>Offline login (using the account cached on this PC)</source>
        <translation>离线登录（使用本机缓存的账号）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="43"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="70"/>
        <source>You have no batches yet. Press Sync to fetch the batches your lead has given you.</source>
        <translation>你还没有批次。点“同步”获取组长分配给你的批次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="75"/>
        <source>Download batch</source>
        <translation>下载批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="76"/>
        <source>Download the batch&apos;s images to work without the network</source>
        <translation>把这个批次的图片下载到本机，没有网络也能标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="78"/>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="79"/>
        <source>Courses that certify you for a kind of work; they work offline too</source>
        <translation>通过培训课程获得某类工作的认证；断网也能学</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="81"/>
        <source>Start labelling</source>
        <translation>开始标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="83"/>
        <source>Open the first unlabelled item of the batch (Enter)</source>
        <translation>打开这个批次里第一个还没标注的题目（回车键）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="96"/>
        <source>Review queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="98"/>
        <source>Accept, send back or correct the annotators&apos; work (Enter)</source>
        <translation>通过、打回或修正标注员的结果（Enter）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="100"/>
        <source>Office management</source>
        <translation>基地管理</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="101"/>
        <source>Orders and batches, people, throughput and the pay sheet (needs the server)</source>
        <translation>订单与批次、人员、产量与工资表（需要连接服务器）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="111"/>
        <source>My batches</source>
        <translation>我的批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/home_page.py" line="143"/>
        <source>Hello, %1</source>
        <translation>你好，%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/home_page.py" line="152"/>
        <source>%n item(s) waiting for review</source>
        <translation>
            <numerusform>%n 项待审核</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IdleDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="73"/>
        <source>Next batch to idle annotators</source>
        <translation>给空闲标注员分配下一批</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="74"/>
        <source>Assign</source>
        <translation>分配</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="75"/>
        <source>Every active annotator without unfinished work gets the next free batch of “%1”.</source>
        <translation>每位手上没有未完成批次的标注员，都会领到“%1”的下一个空闲批次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="78"/>
        <source>Lease</source>
        <translation>领取天数</translation>
    </message>
</context>
<context>
    <name>ItemEditor</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/base.py" line="160"/>
        <source>Delete (Del)</source>
        <translation>删除 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/base.py" line="164"/>
        <source>Nothing to mark (E)</source>
        <translation>无需标注 (E)</translation>
    </message>
</context>
<context>
    <name>ItemList</name>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="255"/>
        <source>Items</source>
        <translation>数据项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="259"/>
        <source>Show only the items in this state</source>
        <translation>只显示这种状态的项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="282"/>
        <source>Next unlabelled (N)</source>
        <translation>下一个未标注 (N)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="284"/>
        <source>Go to the next item nobody has labelled yet</source>
        <translation>转到下一个还没人标注的项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="343"/>
        <source>All (%1)</source>
        <translation>全部 (%1)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="344"/>
        <source>Unlabelled (%1)</source>
        <translation>未标注 (%1)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="345"/>
        <source>Done (%1)</source>
        <translation>已完成 (%1)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="346"/>
        <source>Sent back (%1)</source>
        <translation>被打回 (%1)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="347"/>
        <source>Conflict (%1)</source>
        <translation>冲突 (%1)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="348"/>
        <source>Waiting to upload (%1)</source>
        <translation>待上传 (%1)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="354"/>
        <source>Labelled %1 of %2</source>
        <translation>已标注 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="357"/>
        <source>No items in this state.</source>
        <translation>没有这种状态的项。</translation>
    </message>
</context>
<context>
    <name>ItemStateModel</name>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="114"/>
        <source>Not labelled yet</source>
        <translation>未标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="115"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="116"/>
        <source>Done: nothing to mark</source>
        <translation>已完成：无可标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="117"/>
        <source>Saved here, waiting to upload</source>
        <translation>已保存在本机，等待上传</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="118"/>
        <source>Sent back: fix it</source>
        <translation>被打回：请修改</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/item_list.py" line="119"/>
        <source>Conflict: the lead will decide</source>
        <translation>冲突：由组长决定</translation>
    </message>
</context>
<context>
    <name>KeysHelp</name>
    <message>
        <location filename="../../aidou_desktop/ui/keys_help.py" line="12"/>
        <source>Keys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/keys_help.py" line="26"/>
        <source>E: nothing to mark on this item · Q: flag it for the lead (with a note) · N: next unlabelled item
Ctrl+Z undo · Ctrl+Shift+Z redo · F fit · Esc deselect
F1 or Esc closes this window.</source>
        <translation>E：这一项无可标注 · Q：存疑，留言给组长 · N：下一个未标注项
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做 · F 适应窗口 · Esc 取消选中
按 F1 或 Esc 关闭本窗口。</translation>
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
        <location filename="../../aidou_desktop/ui/main_window.py" line="46"/>
        <source>AI豆 Annotation</source>
        <translation>AI豆 标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="167"/>
        <source>Syncing: uploading your work and fetching new batches…</source>
        <translation>正在同步：上传你的标注，获取新批次…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="172"/>
        <source>Downloading the batch&apos;s images…</source>
        <translation>正在下载批次图片…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="176"/>
        <source>The download starts as soon as the work running now has finished.</source>
        <translation>当前的同步或下载完成后，马上开始下载。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/main_window.py" line="209"/>
        <source>%n image(s) could not be downloaded. Press Download batch to try again.</source>
        <translation>
            <numerusform>有 %n 张图片没能下载。请再点一次“下载批次”。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="228"/>
        <source>Download the batch first: none of its images are on this PC yet.</source>
        <translation>请先下载这个批次：本机还没有它的图片。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="247"/>
        <source>Keeping the chosen revision on the server…</source>
        <translation>正在服务器上保留所选版本…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/main_window.py" line="249"/>
        <source>Another sync is running: try again in a moment.</source>
        <translation>正在进行另一项同步，请稍后再试。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="22"/>
        <source>The disk is full. Everything saved before is safe, but new changes cannot be saved. Free some disk space (or ask your base admin), then carry on.</source>
        <translation>磁盘已满。之前保存的标注都还在，但新的修改无法保存。请清理一些磁盘空间（或联系基地管理员）后继续。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="28"/>
        <source>Cannot reach the server. Your work is kept on this PC and will be uploaded later.</source>
        <translation>连不上服务器。你的标注已保存在本机，联网后会自动上传。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="32"/>
        <location filename="../../aidou_desktop/ui/messages.py" line="83"/>
        <source>The server did not accept your login. Please log out and log in again.</source>
        <translation>服务器不认可当前登录，请退出后重新登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="36"/>
        <source>This app is too old for the server. Please ask your base admin to install the new version.</source>
        <translation>软件版本太旧，服务器已不支持。请联系基地管理员安装新版本。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="40"/>
        <source>Another sync is already running on this PC. Try again in a minute.</source>
        <translation>本机正在进行另一次同步，请稍等一分钟再试。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="44"/>
        <source>Log in online once before syncing.</source>
        <translation>同步前需要先联网登录一次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="46"/>
        <source>This image file is damaged. Download the batch again.</source>
        <translation>这张图片文件已损坏，请重新下载批次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="48"/>
        <source>The server&apos;s certificate cannot be verified, so nothing was sent. Ask your base admin for the office&apos;s CA file (office-ca.pem) and put it in this PC&apos;s data folder.</source>
        <translation>无法验证服务器的证书，所以没有发送任何内容。请向基地管理员要本基地的 CA 文件（office-ca.pem），放进这台电脑的数据文件夹。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="57"/>
        <source>Something went wrong. Your saved work is safe; the details are in the log file (desktop.log).</source>
        <translation>出了点问题。已保存的工作不会丢失；详细信息在日志文件 (desktop.log) 里。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="66"/>
        <source>The server could not take what this PC sent. Your work is kept on this PC; tell your base admin.</source>
        <translation>服务器无法接收本机发送的数据。你的工作已保存在本机；请告诉基地管理员。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="71"/>
        <source>The server does not know this request: check the server address, or the server is too old.</source>
        <translation>服务器不认识这个请求：请检查服务器地址，或者服务器版本太旧。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="75"/>
        <source>Your account may not do this.</source>
        <translation>你的账号没有这个权限。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="77"/>
        <source>An image of this batch is no longer on the server. Tell your team lead.</source>
        <translation>这个批次的一张图片已不在服务器上。请告诉组长。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="81"/>
        <source>This account is disabled. Ask your base admin.</source>
        <translation>这个账号已被停用。请联系基地管理员。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="87"/>
        <source>This app and the server are different versions. Please ask your base admin to update.</source>
        <translation>本软件与服务器版本不一致。请联系基地管理员更新。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="90"/>
        <source>The server refused the request (%1). Your work is kept on this PC; try again later.</source>
        <translation>服务器拒绝了请求（%1）。你的工作已保存在本机；请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="97"/>
        <source>Wrong username or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/messages.py" line="100"/>
        <source>Too many failed logins; please try again in %n minute(s).</source>
        <translation>
            <numerusform>登录失败次数过多，请 %n 分钟后再试</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="107"/>
        <source>The server cannot be reached, and offline login failed: either the password is wrong, or this user has never logged in on this PC. Connect to the network for the first login.</source>
        <translation>连不上服务器，离线登录也没有成功：可能是密码错误，或者这个账号从没在这台电脑上登录过。第一次登录必须联网。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="118"/>
        <source>Not labelled yet</source>
        <translation>未标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="120"/>
        <source>Waiting to upload</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="122"/>
        <source>Uploaded</source>
        <translation>已上传</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="124"/>
        <source>Uploaded; another annotator also labelled it, the lead will decide</source>
        <translation>已上传；另一位标注员也标了这一项，由组长裁定</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/messages.py" line="128"/>
        <source>Sent back: %1</source>
        <translation>被退回：%1</translation>
    </message>
</context>
<context>
    <name>NerEditor</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="111"/>
        <source>Entities (%1)</source>
        <translation>实体（%1）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="156"/>
        <source>Select some text first: drag over it with the mouse, or hold Shift and press the arrow keys.</source>
        <translation>请先选中文字：用鼠标拖选，或按住 Shift 再按方向键。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="166"/>
        <source>Mark entity</source>
        <translation>标注实体</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="180"/>
        <source>Change entity label</source>
        <translation>修改实体标签</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="188"/>
        <source>Delete entity</source>
        <translation>删除实体</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="207"/>
        <source>%n entity(ies) in this text</source>
        <translation>
            <numerusform>本文共 %n 个实体</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="211"/>
        <source>Select text with the mouse, or with Shift+arrows; then press 1–9 to mark it. Click an entity to select it: 1–9 changes its label, Del deletes it.
Enter / D next · A previous · ←→ move in the text
Ctrl+Z undo · Ctrl+Shift+Z redo · Esc deselect</source>
        <translation>用鼠标或 Shift+方向键选中文字，再按 1–9 标注。单击实体可选中：按 1–9 改标签，按 Del 删除。
Enter / D 下一项 · A 上一项 · ←→ 在文中移动
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做 · Esc 取消选中</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="215"/>
        <source>Delete (Del)</source>
        <translation>删除 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="218"/>
        <source>No entities (E)</source>
        <translation>无实体 (E)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/ner_editor.py" line="221"/>
        <source>This text has nothing to mark: mark it as done without entities</source>
        <translation>这段文字里没有要标的实体：不标实体，直接标记为已完成</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="76"/>
        <source>New account</source>
        <translation>新建账号</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="77"/>
        <source>Create account</source>
        <translation>创建账号</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="80"/>
        <source>Letters and digits, e.g. anno7</source>
        <translation>字母和数字，例如 anno7</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="83"/>
        <source>The person&apos;s name, e.g. 马小燕</source>
        <translation>本人姓名，例如 马小燕</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="85"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="85"/>
        <source>Lead</source>
        <translation>组长</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="85"/>
        <source>Admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="89"/>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="90"/>
        <source>Display name</source>
        <translation>显示名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="91"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="92"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="93"/>
        <source>Password again</source>
        <translation>再输一次密码</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="107"/>
        <source>A username is letters, digits, “.”, “_” or “-”, without spaces.</source>
        <translation>用户名只能由字母、数字、“.”、“_”、“-”组成，不能有空格。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="109"/>
        <source>Enter the person&apos;s name: it is what leads and the pay sheet show.</source>
        <translation>请填写本人姓名：组长看到的和工资表上写的都是它。</translation>
    </message>
</context>
<context>
    <name>OfficeErrors</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="23"/>
        <source>Cannot reach the server, so nothing was changed. Check the network, then press Refresh.</source>
        <translation>无法连接服务器，所以没有做任何更改。请检查网络，然后点“刷新”。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="25"/>
        <source>The server no longer accepts your login (your password was changed or your account disabled). Log out and log in again.</source>
        <translation>服务器不再接受你的登录（密码已被修改，或账号已被停用）。请退出后重新登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="27"/>
        <source>This app is too old for the server. Please install the new version.</source>
        <translation>这个软件版本太旧，服务器不再支持。请安装新版本。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="29"/>
        <source>These screens work on the server: log out and log in again while the server can be reached.</source>
        <translation>这些页面直接操作服务器：请在能连上服务器时退出并重新登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="34"/>
        <source>Something went wrong, and nothing was changed. The details are in the log file.</source>
        <translation>出了点问题，没有做任何更改。详细情况记在日志文件里。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="39"/>
        <source>This username is already taken. Choose another one.</source>
        <translation>这个用户名已被占用，请换一个。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="41"/>
        <source>Another annotator holds this batch and the lease has not run out. Release it first, or tick “Take it from the holder even if the lease has not run out”.</source>
        <translation>这个批次已由其他标注员领取，租约还没到期。请先“收回”，或勾选“强制分配：领取人的租约未到期也收回”。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="43"/>
        <source>Only an active annotator can be given a batch. Choose another person.</source>
        <translation>只能把批次分配给启用中的标注员，请换一个人。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="45"/>
        <source>Your account may not do this: only the base admin manages accounts, and only leads and admins hand out batches.</source>
        <translation>你的账号没有这个权限：只有基地管理员能管理账号，只有组长和管理员能分配批次。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="47"/>
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="49"/>
        <source>The server did not accept what was filled in. A username is letters, digits, “.”, “_” or “-”; a password has at least 6 characters.</source>
        <translation>服务器不接受填写的内容。用户名只能由字母、数字、“.”、“_”、“-”组成；密码至少 6 个字符。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="51"/>
        <source>The lease must end in the future.</source>
        <translation>截止时间必须在将来。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="53"/>
        <source>It no longer exists on the server. Press Refresh to see the current state.</source>
        <translation>服务器上已经没有这一项了。请点“刷新”查看最新情况。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_errors.py" line="54"/>
        <source>The server refused the request. Press Refresh and try again.</source>
        <translation>服务器拒绝了这个操作。请点“刷新”后再试。</translation>
    </message>
</context>
<context>
    <name>OfficePage</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="72"/>
        <source>Office</source>
        <translation>基地管理</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="74"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="75"/>
        <source>Back to the home page</source>
        <translation>回到首页</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="78"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="79"/>
        <source>Fetch every tab&apos;s figures again from the server (F5)</source>
        <translation>从服务器重新获取所有标签页的数据（F5）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="86"/>
        <source>Talking to the server…</source>
        <translation>正在与服务器通信…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="100"/>
        <source>Orders and batches</source>
        <translation>订单与批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="104"/>
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="106"/>
        <source>Figures</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="111"/>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_page.py" line="113"/>
        <source>Dashboard</source>
        <translation>看板</translation>
    </message>
</context>
<context>
    <name>OfficeTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_tab.py" line="41"/>
        <source>Please confirm</source>
        <translation>请确认</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_tab.py" line="43"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>OrderFiguresTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_tab.py" line="83"/>
        <source>This office has no orders yet.</source>
        <translation>本基地还没有订单。</translation>
    </message>
</context>
<context>
    <name>OrdersTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="26"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="48"/>
        <source>Items</source>
        <translation>条目</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="27"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="49"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="28"/>
        <source>Waiting for review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="29"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="50"/>
        <source>Accepted</source>
        <translation>已通过</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="30"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="51"/>
        <source>Sent back</source>
        <translation>已打回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="31"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="33"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="34"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="47"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="70"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="133"/>
        <source>Batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="37"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="38"/>
        <source>Holder</source>
        <translation>领取人</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="39"/>
        <source>Lease until</source>
        <translation>截止时间</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="46"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="52"/>
        <source>Accept rate</source>
        <translation>通过率</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="61"/>
        <source>Assign…</source>
        <translation>分配…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="62"/>
        <source>Lease the selected batch to an annotator for some days</source>
        <translation>把选中的批次分配给一位标注员，领取若干天</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="64"/>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="175"/>
        <source>Release</source>
        <translation>收回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="65"/>
        <source>Take the selected batch from its holder</source>
        <translation>从领取人手中收回选中的批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="67"/>
        <source>Next batch to idle annotators</source>
        <translation>给空闲标注员分配下一批</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="68"/>
        <source>Every annotator without unfinished work gets the order&apos;s next free batch</source>
        <translation>每位手上没有未完成批次的标注员，领到这个订单的下一个空闲批次</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="89"/>
        <source>Annotators in this order</source>
        <translation>本订单的标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="133"/>
        <source>Batches of %1</source>
        <translation>“%1”的批次</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="163"/>
        <source>Batch %1 is leased to %2 for %n day(s).</source>
        <translation>
            <numerusform>批次 %1 已分配给 %2，领取 %n 天。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="171"/>
        <source>Take batch %1 from %2? Work they upload for it later is kept as a conflict for the lead.</source>
        <translation>要从 %2 手中收回批次 %1 吗？之后对方再上传的这个批次的标注会作为冲突保留，由组长处理。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="172"/>
        <source>Batch %1 was released; nobody holds it now.</source>
        <translation>批次 %1 已收回，现在无人领取。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="191"/>
        <source>%n batch(es) handed to idle annotators.</source>
        <translation>
            <numerusform>已给空闲标注员分配 %n 个批次。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="209"/>
        <source>nobody</source>
        <translation>无人</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_orders_tab.py" line="217"/>
        <source>%1 (expired)</source>
        <translation>%1（已过期）</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="116"/>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="117"/>
        <source>Set password</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="118"/>
        <source>New password for %1. The old one stops working at once, and %1 must log in again on every PC.</source>
        <translation>为 %1 设置新密码。旧密码立即失效，%1 需要在每台电脑上重新登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="122"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="123"/>
        <source>Password again</source>
        <translation>再输一次密码</translation>
    </message>
</context>
<context>
    <name>PeopleTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="19"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="19"/>
        <source>Lead</source>
        <translation>组长</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="19"/>
        <source>Admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="23"/>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="24"/>
        <source>Display name</source>
        <translation>显示名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="25"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="26"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="26"/>
        <source>Disabled</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="26"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="28"/>
        <source>Last sync</source>
        <translation>最近同步</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="28"/>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="33"/>
        <source>New account…</source>
        <translation>新建账号…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="36"/>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="38"/>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="63"/>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="108"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="63"/>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="103"/>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="66"/>
        <source>You cannot disable your own account</source>
        <translation>不能停用自己的账号</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="79"/>
        <source>Account %1 was created; they can log in now.</source>
        <translation>账号 %1 已创建，现在就可以登录。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="92"/>
        <source>The password of %1 was changed.</source>
        <translation>%1 的密码已修改。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="101"/>
        <source>Enable %1? They can log in and sync again.</source>
        <translation>要启用 %1 吗？启用后可以重新登录和同步。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="102"/>
        <source>%1 is enabled.</source>
        <translation>%1 已启用。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="106"/>
        <source>Disable %1? They cannot log in or sync any more; their work stays.</source>
        <translation>要停用 %1 吗？停用后不能再登录和同步；已做的标注会保留。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_people_tab.py" line="107"/>
        <source>%1 is disabled.</source>
        <translation>%1 已停用。</translation>
    </message>
</context>
<context>
    <name>PolygonEditor</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="30"/>
        <source>Now drawing polygons (P: boxes)</source>
        <translation>现在画多边形（按 P 改画矩形框）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="31"/>
        <source>Now drawing boxes (P: polygons)</source>
        <translation>现在画矩形框（按 P 改画多边形）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="44"/>
        <source>Select a box drawn loosely around an object, then press G to outline it.</source>
        <translation>先选中一个大致框住目标的矩形框，再按 G 自动勾出轮廓。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="52"/>
        <source>No clear object edge inside this box: the box stays as drawn.</source>
        <translation>框内没有找到清晰的目标边缘：框保持原样。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="56"/>
        <source>Outline the object</source>
        <translation>勾出目标轮廓</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="61"/>
        <source>Draw polygon</source>
        <translation>画多边形</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="61"/>
        <source>Move shape</source>
        <translation>移动形状</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="61"/>
        <source>Nudge shape</source>
        <translation>微移形状</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="62"/>
        <source>Resize box</source>
        <translation>调整框大小</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="62"/>
        <source>Move point</source>
        <translation>移动顶点</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="62"/>
        <source>Add point</source>
        <translation>添加顶点</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="63"/>
        <source>Delete point</source>
        <translation>删除顶点</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="69"/>
        <source>%n shape(s) on this image</source>
        <translation>
            <numerusform>本图 %n 个形状</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="70"/>
        <source>drawing polygons</source>
        <translation>画多边形</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="70"/>
        <source>drawing boxes</source>
        <translation>画矩形框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="74"/>
        <source>Delete shape</source>
        <translation>删除形状</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="77"/>
        <source>Delete shape (Del)</source>
        <translation>删除 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="81"/>
        <source>Click around an object to outline it; click the first point or press Enter to close it. Backspace takes the last point back, Esc drops the outline. Ctrl+click starts an outline on top of another shape.
Click a shape to select it: drag a point to move it, drag an edge to add a point, right-click (or Alt+click) a point to delete it; Shift+drag moves the shape; the arrow keys nudge it (Shift: 10×).
P: draw boxes instead (drag), and back · G: outline the object inside the selected box
D / → next · A / ← previous (arrows step only while nothing is selected)
Ctrl+Z undo · Ctrl+Shift+Z redo · Del delete · Esc deselect
Wheel: zoom · Space+drag: pan · F: fit · B: more contrast · V: copy the previous item&apos;s shapes · H: hide/show shapes · L: hide/show labels</source>
        <translation>沿目标边缘逐点单击画轮廓；单击第一个点或按 Enter 闭合。Backspace 撤回最后一个点，Esc 放弃这条轮廓。按住 Ctrl 单击可在其他形状上面开始画。
单击形状即选中：拖动顶点可移动它，拖动边可添加顶点，右键（或 Alt+单击）顶点可删除它；Shift+拖动移动整个形状；方向键微移（Shift：10 倍）。
P：改为拖动画矩形框，再按一次换回 · G：把选中的矩形框变成框内目标的轮廓
D / → 下一项 · A / ← 上一项（未选中形状时方向键才切换数据项）
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做 · Del 删除 · Esc 取消选中
滚轮：缩放 · 空格+拖动：平移 · F：适应窗口 · B：增强对比度 · V：复制上一项的形状 · H：隐藏/显示形状 · L：隐藏/显示类别标签</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="86"/>
        <source>Click around an object; the first point or Enter closes it; 1–9 its class.
Drag a point to move it, an edge to add one; right-click a point deletes it.
P: polygons / boxes · D next · A previous · Ctrl+Z undo · F1: all keys</source>
        <translation>沿目标边缘逐点单击；单击第一个点或按 Enter 闭合；1–9 选类别。
拖动顶点移动，拖动边添加顶点；右键单击顶点删除。
P：多边形/矩形框 · D 下一项 · A 上一项 · Ctrl+Z 撤销 · F1：全部快捷键</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/polygon_editor.py" line="92"/>
        <source>This image has nothing to outline: mark it as done without shapes</source>
        <translation>这张图没有需要勾画的目标：不画形状直接标为完成</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="92"/>
        <source>This batch is no longer yours, so the server did not take this change. Tell your team lead.</source>
        <translation>这个批次已不再分配给你，服务器没有接收这次修改。请告诉组长。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="99"/>
        <source>The note for the lead is longer than %1 characters: shorten it.</source>
        <translation>给组长的备注超过 %1 个字：请删短一些。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="107"/>
        <source>The server could not take this change. Your work is kept on this PC; tell your base admin.</source>
        <translation>服务器无法接收这次修改。你的标注已保存在本机；请告诉基地管理员。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="115"/>
        <source>The label %1 is not in this order&apos;s label list: choose a label from the list, or delete the mark.</source>
        <translation>标签 %1 不在本订单的标签列表中：请改用列表里的标签，或删除这个标注。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="119"/>
        <source>The selection overlaps an entity already marked, and this order does not allow one entity inside another. Select other text, or delete the other entity first.</source>
        <translation>选中的文字与已标注的实体重叠，本订单不允许实体嵌套。请重新选择文字，或先删除那个实体。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="124"/>
        <source>The selection crosses the edge of an entity already marked: an entity may lie wholly inside another, but never across its edge.</source>
        <translation>选中的文字跨过了已标注实体的边界：实体可以完全包含在另一个实体里，但不能交叉。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="129"/>
        <source>This text is already marked as %1.</source>
        <translation>这段文字已经标为“%1”。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="132"/>
        <source>The entity at characters %1–%2 lies outside the text (%3 characters).</source>
        <translation>第 %1–%2 个字符处的实体超出了文本范围（全文 %3 个字符）。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="136"/>
        <source>An entity&apos;s position is not valid.</source>
        <translation>实体的位置无效。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="137"/>
        <source>This class is already chosen.</source>
        <translation>这个类别已经选过了。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="138"/>
        <source>Only one class may be chosen in this order.</source>
        <translation>本订单只能选一个类别。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="139"/>
        <source>A class mark is not valid.</source>
        <translation>类别标注无效。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="140"/>
        <source>The transcription is empty: type the text, or flag the item with a reason (Q).</source>
        <translation>转写内容为空：请输入文字，或按 Q 标记存疑并写明原因。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="150"/>
        <source>The polygon&apos;s outline crosses or touches itself: move its points so that no two edges meet.</source>
        <translation>多边形的边相互交叉或接触：移动顶点，让任意两条边都不相交。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="153"/>
        <source>A polygon needs at least three points.</source>
        <translation>多边形至少需要三个点。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="154"/>
        <source>A polygon may have at most %1 points.</source>
        <translation>一个多边形最多 %1 个点。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="157"/>
        <source>A point of the polygon lies outside the image.</source>
        <translation>多边形有顶点在图片外面。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="158"/>
        <source>Two points of the polygon, one after the other, are in the same place: delete one of them.</source>
        <translation>多边形有两个相邻的顶点重合：请删除其中一个。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="161"/>
        <source>The polygon has no area: its points lie on one line.</source>
        <translation>多边形没有面积：所有顶点在一条直线上。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="164"/>
        <source>A polygon&apos;s points are not valid.</source>
        <translation>多边形的顶点数据无效。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="165"/>
        <source>Too many marks on one item: at most %1.</source>
        <translation>一个数据项上的标注太多：最多 %1 个。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="169"/>
        <source>The server no longer has this item. Tell your team lead.</source>
        <translation>服务器上已没有这个数据项。请告诉组长。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="172"/>
        <source>This order&apos;s label list changed on the server. Sync, check the labels, and save again.</source>
        <translation>服务器上这个订单的类别表已经改变。请先同步，核对类别后再保存。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="184"/>
        <source>The server did not take this change. Check the marks, fix what is wrong, and save again.</source>
        <translation>服务器没有接收这次修改。请检查标注，改正后再保存。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="88"/>
        <source>A transcribed line is missing its text or is too long.</source>
        <translation>有一行转写没有文字，或者太长。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="80"/>
        <source>A box is not valid: it has no size or lies outside the image.</source>
        <translation>框无效：大小为零，或超出了图片范围。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/problems.py" line="84"/>
        <source>This kind of mark does not belong to this order.</source>
        <translation>这种标注不属于本订单的任务类型。</translation>
    </message>
</context>
<context>
    <name>QualityTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="95"/>
        <source>The order whose quality figures are shown</source>
        <translation>显示哪个订单的质量数据</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="106"/>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="142"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="107"/>
        <source>Gold items answered</source>
        <translation>已答质检题</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="109"/>
        <source>Gold score</source>
        <translation>质检得分</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="113"/>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="123"/>
        <source>Agreement</source>
        <translation>一致性</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="114"/>
        <source>Review</source>
        <translation>复核</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="121"/>
        <source>Item</source>
        <translation>数据项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="128"/>
        <source>Answers</source>
        <translation>答案数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="130"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="135"/>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="172"/>
        <source>Annotators</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="163"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="166"/>
        <source>Gold pass mark</source>
        <translation>质检合格线</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="184"/>
        <source>Items, lowest agreement first</source>
        <translation>数据项（一致性最低的在前）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="190"/>
        <source>Choose an order to see its quality figures.</source>
        <translation>请选择一个订单查看质量数据。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="101"/>
        <source>A gold score below this marks the annotator&apos;s work for review</source>
        <translation>质检题得分低于此值时，该标注员的作品将被标记待复核</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="143"/>
        <source>Task kind</source>
        <translation>任务类型</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="144"/>
        <source>Gold items</source>
        <translation>质检题数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="145"/>
        <source>Accuracy</source>
        <translation>正确率</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="146"/>
        <source>Flagged</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="154"/>
        <source>Each annotator&apos;s mean gold score on each task kind, over every order</source>
        <translation>每位标注员在各任务类型上的质检题平均得分（全部订单）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="175"/>
        <source>Gold accuracy per task kind, all orders</source>
        <translation>各任务类型质检题正确率（全部订单）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="226"/>
        <source>This order has no gold items and no overlap, so there are no quality figures for its annotators.</source>
        <translation>这个订单既没有质检题也没有多人重复标注，因此没有标注员的质量数据。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="232"/>
        <source>Nobody has answered a gold item or an overlap item of this order yet.</source>
        <translation>这个订单的质检题和重复标注项还没有人作答。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="237"/>
        <source>This order has no gold items: only agreement is shown.</source>
        <translation>这个订单没有质检题：只显示一致性。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="241"/>
        <source>This order has no overlap: only gold scores are shown.</source>
        <translation>这个订单没有多人重复标注：只显示质检得分。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="253"/>
        <source>This order has no overlap: each item goes to one annotator, so there is no agreement to show.</source>
        <translation>这个订单没有多人重复标注：每个数据项只由一人标注，因此没有一致性数据。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="257"/>
        <source>%1 of %2 overlap items have two or more answers to compare.</source>
        <translation>%2 个重复标注项中，有 %1 个已有两份或以上答案可以比较。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="277"/>
        <source>No order of this office has gold items.</source>
        <translation>本基地的订单都没有质检题。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="279"/>
        <source>Nobody has answered a gold item yet.</source>
        <translation>还没有人答过质检题。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="284"/>
        <source>Cohen&apos;s κ</source>
        <translation>Cohen κ 系数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="284"/>
        <source>Fleiss&apos; κ</source>
        <translation>Fleiss κ 系数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="292"/>
        <source>%1: not enough answers yet</source>
        <translation>%1：答案还不够</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="296"/>
        <source>κ needs items that every annotator of the overlap has answered.</source>
        <translation>κ 系数只统计所有重复标注员都已作答的数据项。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="301"/>
        <source>%1 = %2 (over %n item(s))</source>
        <translation>
            <numerusform>%1 = %2（基于 %n 个数据项）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="311"/>
        <source>κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here barely better than guessing; the guidelines or the labels are unclear.</source>
        <translation>κ 表示排除偶然因素后的一致程度（1 = 总是选同一类别，0 = 与随便猜差不多）：这里几乎和猜测一样，标注规范或类别可能不清楚。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="315"/>
        <source>κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here fair; many items are labelled differently.</source>
        <translation>κ 表示排除偶然因素后的一致程度（1 = 总是选同一类别，0 = 与随便猜差不多）：这里一般，许多数据项标注不一致。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="319"/>
        <source>κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here moderate; check the items below.</source>
        <translation>κ 表示排除偶然因素后的一致程度（1 = 总是选同一类别，0 = 与随便猜差不多）：这里中等，请检查下方的数据项。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="323"/>
        <source>κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here good.</source>
        <translation>κ 表示排除偶然因素后的一致程度（1 = 总是选同一类别，0 = 与随便猜差不多）：这里良好。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="326"/>
        <source>κ is agreement beyond chance (1 = always the same class, 0 = no better than guessing): here almost perfect.</source>
        <translation>κ 表示排除偶然因素后的一致程度（1 = 总是选同一类别，0 = 与随便猜差不多）：这里几乎完全一致。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="330"/>
        <source>Below the pass mark</source>
        <translation>低于合格线</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_quality_tab.py" line="337"/>
        <source>Needs review: %n item(s) since %1</source>
        <translation>
            <numerusform>待复核：自 %1 起 %n 项</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="19"/>
        <source>Send back to the annotator</source>
        <translation>打回给标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="22"/>
        <source>Missed objects</source>
        <translation>漏标</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="23"/>
        <source>Boxes not tight</source>
        <translation>框不准</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="24"/>
        <source>Wrong class</source>
        <translation>类别错误</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="25"/>
        <source>Should not be labelled</source>
        <translation>不该标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="26"/>
        <source>Image not clear</source>
        <translation>图片不清晰</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="28"/>
        <source>Why? The annotator sees this on the item. Keys 1–5 tick a reason.</source>
        <translation>打回原因？标注员会在这一项上看到。按 1–5 勾选原因。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="34"/>
        <source>Or write what to fix…</source>
        <translation>或写下要改什么…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="42"/>
        <source>Send back</source>
        <translation>打回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="43"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="76"/>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/reject_dialog.py" line="81"/>
        <source>Tick a reason or write one: the annotator needs to know what to fix.</source>
        <translation>请勾选或填写原因：标注员需要知道要改什么。</translation>
    </message>
</context>
<context>
    <name>ReviewFilters</name>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="28"/>
        <source>Waiting for review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="29"/>
        <source>Sent back</source>
        <translation>已打回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="30"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="31"/>
        <source>Flagged by the annotator</source>
        <translation>标注员存疑</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="32"/>
        <source>Accepted</source>
        <translation>已通过</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="33"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="39"/>
        <source>Item order</source>
        <translation>按数据项顺序</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="40"/>
        <source>Most disagreement first</source>
        <translation>分歧最大优先</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="42"/>
        <source>Items that several annotators did: the copies whose answers agree least come first, side by side</source>
        <translation>多人标注的数据项：答案最不一致的副本排在最前，并排在一起</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="50"/>
        <source>Check this share of each annotator&apos;s items; the same items stay in the sample all day</source>
        <translation>抽检每位标注员这一比例的数据项；当天抽到的数据项保持不变</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="61"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="62"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="63"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="64"/>
        <source>Review share</source>
        <translation>审核比例</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="65"/>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="77"/>
        <source>All orders</source>
        <translation>全部订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_filters.py" line="78"/>
        <source>All annotators</source>
        <translation>全部标注员</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../aidou_desktop/ui/review_correct_mode.py" line="123"/>
        <source>Correcting: 1–9 choose or drop a class, Del clears. Enter saves your version and accepts it; Esc leaves without saving.</source>
        <translation>修正中：按 1–9 选择或取消类别，Del 清除。Enter 保存你的版本并通过；Esc 不保存退出。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_correct_mode.py" line="129"/>
        <source>Correcting: select text with the mouse or Shift+arrows, then 1–9 to mark it; click an entity to select it, 1–9 re-labels it, Del deletes it. Enter saves your version and accepts it; Esc leaves without saving.</source>
        <translation>修正中：用鼠标或 Shift+方向键选中文字，再按 1–9 标注；单击实体可选中，按 1–9 改标签，Del 删除。Enter 保存你的版本并通过；Esc 不保存退出。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_correct_mode.py" line="136"/>
        <source>Correcting: type in the text. Ctrl+Enter saves your version and accepts it; Esc leaves the text, Esc again leaves without saving.</source>
        <translation>修正中：直接修改文字。Ctrl+Enter 保存你的版本并通过；按 Esc 离开文本框，再按 Esc 不保存退出。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_correct_mode.py" line="141"/>
        <source>Correcting: drag to draw, drag a corner to resize, Shift+drag to move, 1–9 class, Del delete. Enter saves your version and accepts it; Esc leaves without saving.</source>
        <translation>修正中：拖动画框，拖角调整大小，Shift+拖动移动，1–9 选类别，Del 删除。Enter 保存你的版本并通过；Esc 退出且不保存。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_correct_mode.py" line="59"/>
        <source>The correction could not be saved: %1</source>
        <translation>修正未能保存：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="81"/>
        <source>← Home (Esc)</source>
        <translation>← 首页（Esc）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="84"/>
        <source>Review queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="122"/>
        <source>Accept (Enter)</source>
        <translation>通过（Enter）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="124"/>
        <source>Send back (R)</source>
        <translation>打回（R）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="125"/>
        <source>Correct (C)</source>
        <translation>修正（C）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="135"/>
        <source>Enter / Space accept · R send back · C correct (then Enter saves and accepts, Esc cancels) · J / ↓ next · K / ↑ previous · Esc home</source>
        <translation>Enter / 空格 通过 · R 打回 · C 修正（之后 Enter 保存并通过，Esc 取消）· J / ↓ 下一项 · K / ↑ 上一项 · Esc 首页</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="224"/>
        <source>Nothing to review here. Sync to fetch new work, or change the filters.</source>
        <translation>这里没有要审核的数据项。同步以获取新的结果，或更改筛选条件。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="275"/>
        <source>This image is not on this PC yet: sync to download it.</source>
        <translation>这张图片还不在这台电脑上：请同步下载。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="290"/>
        <source>Item %1 / %2</source>
        <translation>第 %1 / %2 项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="320"/>
        <source>Conflict: these revisions of the item wait for a decision. Keep one (it becomes the item&apos;s revision, made by you; needs the link to the server); it cannot be accepted or sent back.</source>
        <translation>冲突：这道题的几个版本等待决定。请保留其中一版（它将成为这道题的当前版本，记在你名下；需要连接服务器）；冲突题不能直接通过或打回。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="362"/>
        <source>A sent-back item needs a reason: nothing was saved.</source>
        <translation>打回需要填写原因：未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="366"/>
        <source>The verdict could not be saved: %1</source>
        <translation>审核结果未能保存：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_page.py" line="403"/>
        <source>No verdicts yet</source>
        <translation>尚无审核结果</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/review_page.py" line="406"/>
        <source>Accept rate %1% (%n item(s) checked)</source>
        <translation>
            <numerusform>通过率 %1%（抽检 %n 项）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewQueueModel</name>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="30"/>
        <source>Item</source>
        <translation>数据项</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="30"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="30"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="30"/>
        <source>Agreement</source>
        <translation>一致性</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="31"/>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="35"/>
        <source>Waiting for review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="36"/>
        <source>Sent back</source>
        <translation>已打回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="37"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="38"/>
        <source>Accepted</source>
        <translation>已通过</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="44"/>
        <source>Flagged by the annotator: %1</source>
        <translation>标注员存疑：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="51"/>
        <source>Sent back: %1</source>
        <translation>被退回：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="62"/>
        <source>Annotator #%1</source>
        <translation>标注员 #%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="74"/>
        <source>Copies of one item: %1 of %2 answered, too few to compare</source>
        <translation>同一数据项的副本：%2 份中 %1 份已作答，还不能比较</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/review_queue_model.py" line="76"/>
        <source>Copies of one item: how far the %1 answers of %2 copies agree</source>
        <translation>同一数据项的副本：%2 份副本中 %1 份答案的一致程度</translation>
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
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="25"/>
        <source>Unsure (Q)</source>
        <translation>存疑 (Q)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/annotate_side_panel.py" line="26"/>
        <source>Flag this item for the lead: not sure, image not clear, or a note</source>
        <translation>把这道题标记给组长：拿不准、图片不清楚，或写一句说明</translation>
    </message>
</context>
<context>
    <name>StatsTab</name>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="62"/>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="63"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="64"/>
        <source>Accepted items</source>
        <translation>通过条数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="65"/>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="66"/>
        <source>By order</source>
        <translation>按订单</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="67"/>
        <source>Accept rate</source>
        <translation>通过率</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="68"/>
        <source>Gold score</source>
        <translation>质检题得分</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="69"/>
        <source>Agreement</source>
        <translation>一致性</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="77"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="78"/>
        <source>Save this month&apos;s pay sheet as CSV or Excel</source>
        <translation>把这个月的工资表保存为 CSV 或 Excel 文件</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="81"/>
        <source>Items finished per day, last %n day(s)</source>
        <translation>
            <numerusform>最近 %n 天每天完成的条目</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="84"/>
        <source>Pay sheet for</source>
        <translation>工资表月份</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="112"/>
        <source>Annotator</source>
        <translation>标注员</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="115"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="123"/>
        <source>Total: %n item(s), %1 yuan</source>
        <translation>
            <numerusform>合计：%n 条，%1 元</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="140"/>
        <source>Export the pay sheet</source>
        <translation>导出工资表</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="142"/>
        <source>CSV for Excel (*.csv)</source>
        <translation>CSV 表格，可用 Excel 打开 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="142"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="145"/>
        <source>pay-sheet-%1</source>
        <translation>工资表-%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="162"/>
        <source>Could not write %1. It may be open in Excel, or the folder is read-only: choose another place.</source>
        <translation>无法写入 %1。文件可能正在 Excel 中打开，或文件夹不允许写入：请换一个位置。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/office_stats_tab.py" line="165"/>
        <source>Pay sheet for %1 saved to %2.</source>
        <translation>%1 的工资表已导出到 %2。</translation>
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
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="79"/>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="81"/>
        <source>Each course teaches one kind of work with items whose answers are known. You see at once what was expected; reach the pass mark to be certified for that kind of work. Courses work without the network.</source>
        <translation>每门课程用已知答案的题目教一类工作。每做完一题马上能看到标准答案；总分达到及格线，就获得这类工作的认证。断网也能学。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="88"/>
        <source>Course</source>
        <translation>课程</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="88"/>
        <source>Kind of work</source>
        <translation>工作类型</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="88"/>
        <source>Items</source>
        <translation>题数</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="88"/>
        <source>Pass mark</source>
        <translation>及格线</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="88"/>
        <source>Your result</source>
        <translation>你的成绩</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="98"/>
        <source>No training courses yet. They arrive with the next sync once the office admin has made one.</source>
        <translation>还没有培训课程。基地管理员建好课程后，下次同步就会收到。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="105"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="107"/>
        <source>Start the course</source>
        <translation>开始学习</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="157"/>
        <source>Certified (%1)</source>
        <translation>已认证（%1）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="158"/>
        <source>Passed (%1), confirmed at the next sync</source>
        <translation>已通过（%1），下次同步时由服务器确认</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="161"/>
        <source>Under way: %1 of %2 items checked</source>
        <translation>进行中：已检查 %1 / %2 题</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="165"/>
        <source>Not taken yet</source>
        <translation>还没学</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="166"/>
        <source>Not passed yet (last %1)</source>
        <translation>还没通过（上次 %1）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="191"/>
        <source>Leave (your answers are kept)</source>
        <translation>离开（已做的答案会保留）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="194"/>
        <source>Labels</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="266"/>
        <source>%1 — item %2 of %3</source>
        <translation>%1 — 第 %2 / %3 题</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="276"/>
        <source>Answer as you would in a real batch, then press Check answer.</source>
        <translation>像做正式批次一样作答，然后按“检查答案”。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="277"/>
        <source>Check answer</source>
        <translation>检查答案</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="340"/>
        <source>See the result</source>
        <translation>查看成绩</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="340"/>
        <source>Next item</source>
        <translation>下一题</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="40"/>
        <source>Right!</source>
        <translation>答对了！</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="43"/>
        <source>Not what was expected (this item: %1)</source>
        <translation>和标准答案不一致（本题得分 %1）</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="47"/>
        <source>The expected answer is drawn in green dashes over yours.</source>
        <translation>标准答案用绿色虚线画在你的答案上面。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="49"/>
        <source>Missed: %1</source>
        <translation>漏标：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="51"/>
        <source>Extra or wrongly labelled: %1</source>
        <translation>多标或类别标错：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="55"/>
        <source>no class</source>
        <translation>不选类别</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="55"/>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="60"/>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="63"/>
        <source>Expected: %1</source>
        <translation>标准答案：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="61"/>
        <source>no entities</source>
        <translation>没有实体</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="65"/>
        <source>Guideline: %1</source>
        <translation>标注规范：%1</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="358"/>
        <source>Passed with %1: you are certified for %2 work. The server confirms it at the next sync.</source>
        <translation>成绩 %1，通过！你已获得“%2”工作的认证，下次同步时由服务器确认。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_page.py" line="360"/>
        <source>%1 — below the pass mark of %3 for %2 work. Look at the guidelines and try again.</source>
        <translation>成绩 %1，没达到“%2”工作的及格线 %3。请再看看标注规范，然后重新学一遍。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="80"/>
        <source>boxes</source>
        <translation>画框</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="81"/>
        <source>polygons</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="82"/>
        <source>image classes</source>
        <translation>图片分类</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="83"/>
        <source>text classes</source>
        <translation>文本分类</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="84"/>
        <source>entity spans</source>
        <translation>实体标注</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/training_feedback.py" line="85"/>
        <source>transcription</source>
        <translation>文字转写</translation>
    </message>
</context>
<context>
    <name>TranscriptionEditor</name>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="164"/>
        <source>Type text</source>
        <translation>输入文字</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="177"/>
        <source>Confirm text</source>
        <translation>确认文字</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="259"/>
        <source>Delete line</source>
        <translation>删除一行</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="269"/>
        <source>Change line label</source>
        <translation>修改行标签</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="282"/>
        <source>%n line(s)</source>
        <translation>
            <numerusform>共 %n 行</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="285"/>
        <source>Delete line (Del)</source>
        <translation>删除行 (Del)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="289"/>
        <source>No text on the image (E)</source>
        <translation>图中无文字 (E)</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="293"/>
        <source>Type the text line by line as it stands on the image; click a line to find it on the image.
Ctrl+Enter: the text is right (also an OCR suggestion you did not need to change): save it and go to the next item.
Typing is saved by itself after a short pause; Ctrl+Z undoes it.
D or Next moves on without saving: an unchecked suggestion is never saved as your answer.
Esc leaves the text field, so A, D, E, F, Q and the number keys work again.</source>
        <translation>按图中文字逐行输入；单击某一行可在图上找到它。
Ctrl+Enter：文字无误（包括不需要修改的 OCR 建议）：保存并进入下一项。
输入停顿片刻会自动保存；Ctrl+Z 可撤销。
按 D 或“下一项”不会保存：未经核对的建议永远不会当作你的答案保存。
Esc 离开文本框，A、D、E、F、Q 和数字键重新可用。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="303"/>
        <source>Pre-filled by OCR on this PC: check every line against the image, then press Ctrl+Enter.</source>
        <translation>已由本机 OCR 预填：请对照图片逐行核对，然后按 Ctrl+Enter。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="307"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="310"/>
        <source>Reading the text on this PC… you can start typing.</source>
        <translation>正在本机识别文字……你可以直接开始输入。</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/editors/transcription_editor.py" line="313"/>
        <source>OCR found no text on this image: type what you see.</source>
        <translation>OCR 没有在这张图上识别到文字：请输入你看到的内容。</translation>
    </message>
</context>
<context>
    <name>_DaysDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="30"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/assign_dialogs.py" line="34"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>_FormDialog</name>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="40"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="52"/>
        <source>At least %n characters</source>
        <translation>
            <numerusform>至少 %n 个字符</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="57"/>
        <source>The password needs at least %n characters.</source>
        <translation>
            <numerusform>密码至少需要 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../aidou_desktop/ui/user_dialogs.py" line="59"/>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
</TS>
