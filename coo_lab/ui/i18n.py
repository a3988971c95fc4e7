"""The words of the declaration app in Chinese (as the original system) and English.

Labels are looked up by key; the app starts in Chinese and a toggle switches every label
and message to English. Field paths from the rules or the service (``goods.1.hs_code``) are
named as people know them ("第2条商品 · 商品HS编码").
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


LABELS: dict[str, tuple[str, str]] = {
    # shell and menu
    "app_title": ("贸促会原产地证申报系统", "CCPIT Certificate of Origin Declaration"),
    "single_window": ("中国国际贸易单一窗口", "China International Trade Single Window"),
    "welcome": ("欢迎您，", "Welcome, "),
    "logout": ("退出", "Log out"),
    "login": ("登录", "Log in"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "language": ("English", "中文"),
    "service_url": ("服务地址", "Service"),
    "menu_user_filing": ("用户备案", "User filing"),
    "menu_certificates": ("原产地证", "Certificates"),
    "menu_create": ("创建原产地证", "New certificate"),
    "menu_preferential": ("优惠原产地证查询", "Preferential certificates"),
    "menu_general": ("一般原产地证查询", "General certificates"),
    "menu_void": ("作废原产地证查询", "Voided certificates"),
    "menu_filings": ("商品备案", "Product filing"),
    "menu_filing_form": ("商品备案", "Product filing"),
    "menu_filing_query": ("商品备案查询", "Product filing query"),
    "menu_basedata": ("基础资料", "Base data"),
    "menu_exporters": ("出口商管理", "Exporters"),
    "menu_importers": ("进口商管理", "Importers"),
    "menu_producers": ("生产商管理", "Producers"),
    "menu_special_clauses": ("特殊条款管理", "Special clauses"),
    "menu_sync": ("数据同步", "Data sync"),
    "menu_push": ("状态推送", "Status push"),
    "menu_announcements": ("系统公告", "Announcements"),
    "menu_review": ("审核", "Review"),
    "menu_review_queue": ("待审核证书", "Review queue"),
    "filing_required": (
        "请先完成用户备案，才能使用其他功能。",
        "Complete user filing first; the other screens open after it.",
    ),
    # create page
    "choose_type": ("请选择证书类型：", "Choose the certificate type:"),
    "choose_type_hint": (
        "企业可申请各类证书，包括一般原产地证和优惠原产地证。",
        "Enterprises may apply for every type: the general CO and the preferential ones.",
    ),
    # certificate form
    "tab_basic": ("基本信息", "Basic info"),
    "tab_goods": ("商品信息", "Goods"),
    "btn_new": ("新建", "New"),
    "btn_save": ("保存", "Save"),
    "btn_delete": ("删除", "Delete"),
    "btn_preview": ("预览", "Preview"),
    "btn_print": ("打印", "Print"),
    "btn_submit": ("申报", "Submit"),
    "btn_check": ("检查", "Check"),
    "btn_amend": ("改证重发", "Amend & reissue"),
    "btn_void": ("作废", "Void"),
    "btn_copy": ("复制", "Copy"),
    "btn_edit": ("编辑", "Edit"),
    "btn_refresh": ("刷新", "Refresh"),
    "btn_query": ("查询", "Search"),
    "btn_reset": ("重置", "Reset"),
    "btn_add": ("+ 新增", "+ Add"),
    "btn_generate": ("生成", "Generate"),
    "btn_pick": ("选择", "Pick"),
    "btn_ok": ("确定", "OK"),
    "btn_cancel": ("取消", "Cancel"),
    "btn_save_new": ("保存并新增", "Save and add"),
    "btn_processing": ("编辑加工工序", "Processing declaration"),
    "btn_prev": ("上一页", "Previous"),
    "btn_next": ("下一页", "Next"),
    "btn_approve": ("审核通过", "Approve"),
    "btn_return": ("退回", "Return"),
    "btn_open": ("打开", "Open"),
    "btn_file": ("备案", "File"),
    "btn_search": ("搜索", "Search"),
    "void_reason": ("作废原因", "Reason for voiding"),
    "return_reason": ("退回原因", "Reason for returning"),
    "goods_need_save": (
        "基本信息暂存成功后才允许录入商品信息。",
        "Save the basic info once before entering goods.",
    ),
    "goods_save_hint": (
        "增加或修改一条商品信息，必须点击【保存】按钮。",
        "After adding or changing a goods line, click Save.",
    ),
    "route_hint": (
        "运输细节录入规则 FROM[起运港]TO[卸货港]VIA[转运港]BY[运输方式]，生成后可修改",
        "Route: FROM [departure] TO [discharge] VIA [transshipment] BY [mode]; editable after",
    ),
    "filings_pick_hint": (
        "优惠原产地证书，录入的商品信息必须是已备案并审核通过的商品数据。",
        "On a preferential certificate every line comes from an approved product filing.",
    ),
    "no_findings": ("检查通过：未发现问题。", "Check passed: nothing found."),
    "findings_title": ("审核规则检查结果", "Review-rule findings"),
    "local_check_note": (
        "（本地检查：备案、手签员和重复发票号的规则在保存后由服务端检查）",
        "(local check: the filing, hand-signer and duplicate-invoice rules run on the "
        "service once saved)",
    ),
    "receipts_title": ("审核回执", "Receipts"),
    "mark_images": ("图片唛头", "Image marks"),
    "supporting_documents": ("佐证材料", "Supporting documents"),
    "attachments_note": (
        "（记录文件名、大小和SHA-256摘要）",
        "(name, size and SHA-256 digest are recorded)",
    ),
    # processing declaration dialog
    "processing_title": ("加工工序编辑", "Processing declaration"),
    "processing_hint": (
        "以下请填写产品（每单位）加工所需的进口原材料的商品税则号及CIF单价信息",
        "Imported materials per unit of product: 4-digit HS heading and CIF unit price",
    ),
    "processing_pct_hint": (
        "从价百分比 = 进口原料CIF单价合计 ÷ 交货单价（例如：17%）",
        "Ad-valorem percentage = sum of CIF ÷ delivery unit price (e.g. 17%)",
    ),
    "processing_new": ("需要申报，重新填写", "Declare, fill in anew"),
    "processing_same": ("需要申报，内容和上次一样", "Declare, same as last time"),
    "processing_none": ("无", "(none)"),
    "processing_remove": ("删除加工工序", "Remove the declaration"),
    "material_no": ("序号", "No."),
    # queries
    "search_box": ("证书申请查询", "Certificate search"),
    "created_range": ("创建日期", "Created"),
    "submitted_range": ("申报日期", "Submitted"),
    "to": ("至", "to"),
    "total_rows": (
        "共 {total} 条记录，第 {page}/{pages} 页",
        "{total} records, page {page}/{pages}",
    ),
    "no_rows": ("未查询到相关信息！", "Nothing found."),
    "selected_none": ("请先勾选记录。", "Tick a record first."),
    "running": ("处理中 {done}/{total}", "Working {done}/{total}"),
    "all": ("全部", "All"),
    "hide_search": ("收起搜索框", "Hide search"),
    "show_search": ("展开搜索框", "Show search"),
    # review
    "queue_title": ("待审核的原产地证", "Certificates waiting for review"),
    "reviewing": ("审核证书", "Reviewing"),
    "stored_findings": ("申报时规则检查结果", "Findings at submission"),
    # user filing
    "filing_state": ("当前备案状态", "Current filing"),
    "filed_yes": ("已备案", "Filed"),
    "filed_no": ("未备案", "Not filed"),
    "filing_help": (
        "贸促会编码：6位贸促会机构编码；企业编码：9位贸促会企业编码；"
        "手签员：在贸促会备案且未注销的手签员姓名。",
        "CCPIT code: the 6-digit office code; enterprise code: the 9-digit CCPIT "
        "registration; hand-signer: a name registered with the office and not cancelled.",
    ),
    # announcements
    "title": ("标题", "Title"),
    "published_on": ("发布日期", "Published"),
    "publisher": ("发布者", "Publisher"),
    # notices
    "saved": ("保存成功。", "Saved."),
    "deleted": ("已删除。", "Deleted."),
    "copied": ("已复制为新的暂存证书。", "Copied as a new draft."),
    "submitted_ok": ("已申报，状态：{status}", "Submitted; status: {status}"),
    "approved_ok": ("审核通过，证书号 {number}", "Approved: certificate number {number}"),
    "returned_ok": ("已退回。", "Returned."),
    "voided_ok": ("已作废。", "Voided."),
    "amended_ok": ("已生成改证重发申请（暂存）。", "Amend-and-reissue draft created."),
    "route_ok": ("已生成运输路线，可手动修改。", "Route generated; you may edit it."),
    "fix_fields": ("请先更正以下字段：", "Correct these fields first:"),
    "login_ok": ("登录成功。", "Logged in."),
    "not_saved_yet": ("请先保存证书。", "Save the certificate first."),
    "line_saved": ("商品信息已保存。", "Goods saved."),
    "line_pick_first": ("请先在列表中选择一条商品。", "Select a goods line in the list first."),
    "reason_required": ("请填写原因。", "Give a reason."),
    "unexpected": ("系统错误：", "Unexpected error: "),
    "filed_ok": ("用户备案成功。", "User filing done."),
    "approved_area": ("该优惠区域已审核通过。", "Area approved."),
    # product filing and data sync
    "menu_review_filings": ("待审核商品备案", "Product filings to review"),
    "filing_areas": ("备案资料（优惠区域）", "Filing areas (agreements)"),
    "filing_hint": (
        "申请优惠原产地证书前，需要先申报商品备案并提交贸促会机构审核；"
        "《海峡两岸经济合作框架协议》商品信息需单独备案，不能与其它优惠区域合并。",
        "File the product and have it approved before any preferential certificate; an "
        "ECFA product is filed alone.",
    ),
    "materials_title": (
        "原材料、零部件（至少应填写一条数据）",
        "Raw materials and components (one at least)",
    ),
    "wholly_obtained": ("完全获得", "Wholly obtained"),
    "originating": ("原产", "Originating"),
    "sync_enterprise": ("同步企业信息", "Sync enterprise info"),
    "sync_filings": ("同步商品备案信息", "Sync product filings"),
    "sync_enterprise_hint": (
        "同步企业在贸促会的注册信息及企业变更信息",
        "The enterprise's CCPIT registration and its changes",
    ),
    "sync_filings_hint": (
        "同步企业在贸促会已备案的商品信息，以便直接申请优惠原产地证",
        "Product filings the CCPIT office already approved, ready for preferential certificates",
    ),
    "sync_type": ("同步类型", "Type"),
    "sync_status": ("同步状态", "Status"),
    "requested_by": ("请求用户", "Requested by"),
    "requested_at": ("请求时间", "Requested"),
    "updated_at": ("更新时间", "Updated"),
    "sync_count": ("同步数量", "Count"),
    "remark": ("备注", "Remark"),
    "assessment": ("原产地判定", "Origin assessment"),
    # status push
    "push_channel": ("请选择推送方式", "Choose the channel"),
    "push_mode": ("请选择订阅方式", "Choose the subscription mode"),
    "push_content": ("请选择订阅内容", "Choose what to follow"),
    "push_records": ("订阅信息记录", "Subscriptions"),
    "push_request_code": ("获取验证码", "Send a code"),
    "push_verify": ("绑定", "Bind"),
    "push_unbind": ("解除绑定", "Unbind"),
    "push_subscribe": ("订阅", "Subscribe"),
    "push_cancel": ("取消订阅", "Cancel subscription"),
    "push_active_only": ("有效订阅信息", "Active only"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("暂存", "Draft"),
    "submitted": ("已申报", "Submitted"),
    "approved": ("审核通过", "Approved"),
    "returned": ("退回", "Returned"),
    "printed": ("已打印", "Printed"),
    "void": ("已作废", "Void"),
}
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "new": ("新建证书", "New"),
    "amend_reissue": ("改证重发", "Amend and reissue"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    # certificate, basic info (the deck's order)
    "enterprise_code": ("企业编码", "Enterprise code"),
    "ccpit_code": ("贸促会编码", "CCPIT code"),
    "company_name_cn": ("公司中文名称", "Company (Chinese)"),
    "internal_number": ("统一编号", "Internal number"),
    "certificate_number": ("证书号", "Certificate number"),
    "original_certificate_number": ("原证书号", "Original certificate"),
    "category": ("证书类别", "Category"),
    "status": ("证书状态", "Status"),
    "cert_type": ("产地证类型", "Certificate type"),
    "invoice_number": ("发票号", "Invoice number"),
    "invoice_date": ("发票日期", "Invoice date"),
    "application_place": ("申请地点", "Application place"),
    "application_date": ("申请日期", "Application date"),
    "signing_place": ("签署地点", "Signing place"),
    "signing_date": ("签署日期", "Signing date"),
    "exporter": ("出口商", "Exporter"),
    "importer": ("进口商", "Importer"),
    "producer": ("生产商", "Producer"),
    "departure_country": ("起运国", "Departure country"),
    "departure_port": ("起运地/港", "Departure port"),
    "destination_country": ("目的国", "Destination country"),
    "destination_port": ("目的地/港", "Destination port"),
    "transshipment_port": ("转运港", "Transshipment port"),
    "transport_mode": ("运输方式", "Transport mode"),
    "shipment_date": ("提单/运输日期", "B/L or shipment date"),
    "first_leg_vessel": ("一程", "First leg"),
    "second_leg_vessel": ("二程", "Second leg"),
    "transport_route": ("运输路线", "Transport route"),
    "weight_flag": ("毛净重标识", "Gross/net flag"),
    "weight_quantity": ("数量", "Weight"),
    "contract_number": ("合同号", "Contract number"),
    "fob_usd": ("FOB值（以美元计）", "FOB value (USD)"),
    "invoice_amount": ("发票金额", "Invoice amount"),
    "invoice_currency": ("发票币种", "Invoice currency"),
    "price_term": ("价格条款", "Price term"),
    "price_term_details": ("价格条款详情", "Price term details"),
    "trade_mode": ("贸易方式", "Trade mode"),
    "lc_number": ("信用证号", "L/C number"),
    "lc_date": ("L/C开证日期", "L/C date"),
    "payment_method": ("付款方式", "Payment method"),
    "hand_signer": ("手签员", "Hand-signer"),
    "exit_customs": ("出境海关", "Exit customs"),
    "enterprise_customs_code": ("企业海关编码", "Enterprise customs code"),
    "customs_declaration_number": ("报关单号", "Customs declaration no."),
    "special_clauses": ("特殊条款", "Special clauses"),
    "remarks": ("备注", "Remarks"),
    "supporting_documents": ("佐证材料", "Supporting documents"),
    "goods": ("商品信息", "Goods"),
    # goods line
    "line_no": ("序号", "No."),
    "hs_code": ("商品HS编码", "HS code"),
    "description": ("货物描述", "Description"),
    "quantity": ("数量", "Quantity"),
    "unit": ("单位", "Unit"),
    "unit_price": ("单价", "Unit price"),
    "amount": ("金额", "Amount"),
    "net_weight": ("净重", "Net weight"),
    "net_weight_unit": ("净重单位", "Net weight unit"),
    "gross_weight": ("毛重", "Gross weight"),
    "packages": ("包装件数", "Packages"),
    "package_kind": ("包装种类", "Package kind"),
    "marks": ("文字唛头", "Shipping marks"),
    "mark_images": ("图片唛头", "Image marks"),
    "origin_criterion": ("原产地标准", "Origin criterion"),
    "product_filing_number": ("申请备案号", "Product filing number"),
    "processing": ("加工工序", "Processing declaration"),
    # processing declaration
    "hs_heading": ("H.S.Code", "H.S. code"),
    "product_name": ("产品名称", "Product name"),
    "delivery_unit_price": ("交货单价", "Delivery unit price"),
    "processing_steps": ("加工工序", "Processing steps"),
    "imported_materials": ("进口原材料", "Imported materials"),
    "cif_unit_price_usd": ("CIF单价(USD)", "CIF unit price (USD)"),
    "declared_percentage": ("从价百分比", "Ad-valorem percentage"),
    # base data
    "code": ("编码", "Code"),
    "name_en": ("名称(英)", "Name (English)"),
    "name_cn": ("名称(中)", "Name (Chinese)"),
    "address_en": ("地址(英)", "Address (English)"),
    "address_cn": ("地址(中)", "Address (Chinese)"),
    "phone": ("电话", "Phone"),
    "fax": ("传真", "Fax"),
    "email": ("Email", "E-mail"),
    "country": ("国家", "Country"),
    "bank_account": ("银行账号", "Bank account"),
    "contact": ("联系人", "Contact"),
    "phone1": ("电话一", "Phone 1"),
    "phone2": ("电话二", "Phone 2"),
    "fax1": ("传真一", "Fax 1"),
    "fax2": ("传真二", "Fax 2"),
    "notes": ("公司资料", "Company notes"),
    "text": ("特殊条款内容", "Clause text"),
    "created_at": ("创建时间", "Created"),
    "submitted_at": ("申报日期", "Submitted"),
    # user filing
    "hand_signer_name": ("手签员姓名", "Hand-signer"),
    # query columns
    "importer_name": ("进口商", "Importer"),
    "cert_type_name": ("证书类型", "Type"),
    "reason": ("原因", "Reason"),
}

# what a base-data code is called on each screen of the deck
CODE_LABELS: dict[str, tuple[str, str]] = {
    "exporters": ("受益人编码", "Beneficiary code"),
    "importers": ("客户编码", "Customer code"),
    "producers": ("生产商编码", "Producer code"),
    "special-clauses": ("特殊条款编码", "Clause code"),
}


def pick(pair: tuple[str, str], lang: Language) -> str:
    return pair[0] if lang == Language.ZH else pair[1]


def text(key: str, lang: Language, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    words = pick(LABELS[key], lang)
    return words.format(**values) if values else words


def field_label(path: str, lang: Language) -> str:
    """A dotted field path as people name it: ``goods.1.hs_code`` → 第2条商品 · 商品HS编码."""
    parts = [p for p in path.replace("[]", "").split(".") if p]
    words: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if nxt is not None and nxt.isdigit():
            n = int(nxt) + 1
            if part == "goods":
                words.append(f"第{n}条商品" if lang == Language.ZH else f"goods line {n}")
            elif part == "imported_materials":
                words.append(f"第{n}项进口原料" if lang == Language.ZH else f"material {n}")
            else:
                label = pick(FIELD_LABELS.get(part, (part, part)), lang)
                words.append(f"{label} {n}")
            i += 2
            continue
        words.append(pick(FIELD_LABELS.get(part, (part, part)), lang))
        i += 1
    return " · ".join(words) or path


def status_label(status: str, lang: Language) -> str:
    return pick(STATUS_LABELS.get(status, (status, status)), lang)


def category_label(category: str, lang: Language) -> str:
    return pick(CATEGORY_LABELS.get(category, (category, category)), lang)
