"""Self-print (证书自助打印): certificates rendered to PDF in the box layout of their forms.

Pure: the domain's certificate in, PDF bytes out; no service, no network. ``forms`` holds the
15 forms' boxes as data, ``content`` what each box says, ``goods`` the goods band and its
pages, ``sheet`` the drawing surface, ``fonts`` the Chinese font (parsed once per process)
and ``render`` puts them together::

    from coo_lab.printing import render, preview
    url = "https://coo.example.cn/verify/26E311120218/00001?code=K7Q2M9XD"
    pdf = render(cert, verification_url=url)
    draft = preview(cert)  # watermarked "DRAFT / 草稿", no number
"""

from coo_lab.printing.render import preview, render

__all__ = ["preview", "render"]
