import { useEffect, useMemo, useState } from 'react';
import { errorMessage, tender, type Dashboard, type DashboardDays } from '../api.js';
import { Chart } from '../components/chart.js';
import { ErrorNotice, Loading, PageTitle } from '../components/status.js';
import { formatDay, formatMoney, formatRate, formatShortDay, words } from '../format.js';

const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];

export function DashboardPage() {
  const [days, setDays] = useState<DashboardDays>(30);
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setData(null);
    tender.Admin.getDashboard(days).then(setData, (err) => setError(errorMessage(err)));
  }, [days]);

  return (
    <>
      <PageTitle actions={
        <fieldset className="segmented">
          <legend className="sr-only">Period</legend>
          {([7, 30, 90] as const).map((d) => (
            <label key={d} className={d === days ? 'on' : ''}>
              <input type="radio" name="days" value={d} checked={d === days} onChange={() => setDays(d)} />
              Last {d} days
            </label>
          ))}
        </fieldset>
      }>Dashboard</PageTitle>
      <ErrorNotice error={error} />
      {!data ? <Loading what="figures" /> : <Figures data={data} />}
    </>
  );
}

function Figures({ data }: { data: Dashboard }) {
  const xDays = useMemo(() => data.dates.map(formatShortDay), [data]);
  const currencies = data.totals.map((t) => t.currency);
  return (
    <>
      <section aria-labelledby="totals-title">
        <h2 id="totals-title">Totals, {formatDay(data.dates[0] ?? '')} – {formatDay(data.dates[data.dates.length - 1] ?? '')} (UTC days)</h2>
        {data.totals.length === 0 ? <p>No payments in this period.</p> : (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Currency</th><th scope="col">Payments</th><th scope="col">Volume (authorized)</th><th scope="col">Captured</th><th scope="col">Refunded</th><th scope="col">Refunds</th></tr></thead>
              <tbody>
                {data.totals.map((t) => (
                  <tr key={t.currency} data-currency={t.currency}>
                    <th scope="row">{t.currency}</th>
                    <td data-field="payments">{t.payments}</td>
                    <td data-field="volume">{formatMoney(t.volumeMinor, t.currency)}</td>
                    <td data-field="captured">{formatMoney(t.capturedMinor, t.currency)}</td>
                    <td data-field="refunded">{formatMoney(t.refundedMinor, t.currency)}</td>
                    <td data-field="refunds">{t.refunds}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="stats">
          <p className="stat"><span className="stat-label">Authorization success</span> <span className="stat-value" data-field="authorization-rate">{formatRate(data.authorization.rate)}</span> <span className="muted">{data.authorization.succeeded} of {data.authorization.attempts} sessions</span></p>
          <p className="stat"><span className="stat-label">Capture success</span> <span className="stat-value" data-field="capture-rate">{formatRate(data.capture.rate)}</span> <span className="muted">{data.capture.succeeded} of {data.capture.attempts} captures</span></p>
        </div>
      </section>
      <section aria-labelledby="charts-title" className="charts">
        <h2 id="charts-title" className="sr-only">Charts</h2>
        {currencies.map((cur) => <VolumeChart key={cur} data={data} currency={cur} x={xDays} />)}
        {data.statuses.length > 0 && (
          <Chart
            title="Payments by status"
            xLabel="Status"
            integer
            x={data.statuses.map((s) => words(s.status))}
            series={[{ label: 'Payments', values: data.statuses.map((s) => s.count), color: COLORS[0]! }]}
            format={(v) => String(Math.round(v))}
            bars
          />
        )}
      </section>
      {data.statuses.length > 0 && (
        <section aria-labelledby="status-title">
          <h2 id="status-title">Status breakdown</h2>
          <ul className="inline-list">{data.statuses.map((s) => <li key={s.status} data-status={s.status}>{words(s.status)}: {s.count}</li>)}</ul>
        </section>
      )}
    </>
  );
}

function VolumeChart({ data, currency, x }: { data: Dashboard; currency: string; x: string[] }) {
  const series = useMemo(() => {
    const by = new Map(data.daily.filter((d) => d.currency === currency).map((d) => [d.date, d]));
    const pick = (f: 'volumeMinor' | 'capturedMinor' | 'refundedMinor') => data.dates.map((day) => by.get(day)?.[f] ?? 0);
    return [
      { label: 'Authorized', values: pick('volumeMinor'), color: COLORS[0]! },
      { label: 'Captured', values: pick('capturedMinor'), color: COLORS[2]! },
      { label: 'Refunded', values: pick('refundedMinor'), color: COLORS[1]! },
    ];
  }, [data, currency]);
  // Axis ticks are minor-unit integers (uPlot may pick fractional ticks: round them first).
  const format = useMemo(() => (v: number) => formatMoney(Math.round(v), currency), [currency]);
  return <Chart title={`Volume and refunds per day, ${currency}`} xLabel="Day" x={x} series={series} format={format} />;
}
