extension ReportHTML {
    /// The page's only styling, inline so that the file stands alone. System CJK fonts only (no web
    /// fonts): Noto Sans CJK on Debian servers, WenQuanYi on older Linux desktops, the platform's own
    /// elsewhere.
    static let style = """

    :root { --ink: #1f2937; --muted: #6b7280; --rule: #e5e7eb; --accent: #0b5394; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #eef1f5; color: var(--ink); font-size: 14px; line-height: 1.55;
      font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif; }
    main { max-width: 1120px; margin: 24px auto; padding: 28px 40px 24px; background: #fff;
      box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
    header.report { border-bottom: 3px solid var(--accent); padding-bottom: 14px; }
    .brand { margin: 0; color: var(--muted); font-size: 12px; letter-spacing: .08em; }
    h1 { margin: 2px 0 0; font-size: 26px; line-height: 1.3; }
    .unit { margin: 2px 0 12px; color: var(--accent); font-size: 17px; font-weight: 600; }
    dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 18px; margin: 0; font-size: 13px; }
    dl.meta dt { color: var(--muted); }
    dl.meta dd { margin: 0; }
    section.report-section { margin-top: 30px; }
    h2 { margin: 0 0 12px; padding-left: 10px; border-left: 4px solid var(--accent); font-size: 19px; line-height: 1.35; }
    figure.chart { margin: 0 0 16px; }
    figure.chart figcaption { margin-bottom: 6px; font-size: 14px; font-weight: 600; color: #374151; }
    svg.chart { display: block; width: 100%; height: auto; }
    table.data { width: 100%; border-collapse: collapse; font-size: 13px; }
    table.data th, table.data td { padding: 5px 10px; border-bottom: 1px solid var(--rule); text-align: left; }
    table.data thead th { background: #e8eef6; border-bottom: 2px solid #94a3b8; font-weight: 600; vertical-align: bottom; }
    table.data tbody th { font-weight: 500; white-space: nowrap; }
    table.data td.text { white-space: nowrap; }
    table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    table.data tbody tr:nth-child(even) { background: #f9fafb; }
    table.data tr.total th, table.data tr.total td { background: #f1f5fb; font-weight: 700; border-bottom: 2px solid #94a3b8; }
    table.data tr.overlap th, table.data tr.overlap td { font-style: italic; color: #4b5563; }
    table.data td.suppressed { color: #9a3412; background: #fff4e6; cursor: help; }
    table.data td.withheld { color: var(--muted); background: #f1f2f4; cursor: help; }
    .note { margin: 6px 0 0; color: var(--muted); font-size: 12px; }
    footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid #d1d5db; color: #4b5563; font-size: 12.5px; }
    footer h2.notes { margin: 0 0 4px; padding: 0; border: 0; font-size: 14px; }
    footer ul { margin: 0 0 8px; padding-left: 20px; }
    footer .suppression { margin: 6px 0; font-weight: 600; color: var(--ink); }
    footer .source { margin: 0; color: var(--muted); }
    @page { size: A4 landscape; margin: 12mm; }
    @media print {
      body { background: none; font-size: 10pt; }
      main { max-width: none; margin: 0; padding: 0; box-shadow: none; }
      table.data thead th, table.data tbody tr:nth-child(even), table.data tr.total th, table.data tr.total td,
      table.data td.suppressed, table.data td.withheld { background: none; }
      thead { display: table-header-group; }
      tr, figure.chart { break-inside: avoid; }
      h2 { break-after: avoid; }
      section.report-section + section.report-section { break-before: page; margin-top: 0; }
    }

    """
}
