-- wrk script for scripts/loadtest.sh: POSTs single-query yente /match bodies, cycling through
-- a few real names in several scripts; wrk counts the answers that are not 2xx.
local names = {
  '{"schema": "Person", "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]}}',
  '{"schema": "Person", "properties": {"name": ["Сергей Лавров"]}}',
  '{"schema": "Person", "properties": {"name": ["Ismail Haniyeh"], "nationality": ["ps"]}}',
  '{"schema": "Company", "properties": {"name": ["Sberbank of Russia"]}}',
  '{"schema": "Person", "properties": {"name": ["John Smith"]}}',
  '{"schema": "Vessel", "properties": {"name": ["Chon Ma San"], "imoNumber": ["8660313"]}}',
  '{"schema": "Person", "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}}',
  '{"schema": "Person", "properties": {"name": ["Maria Garcia Lopez"], "nationality": ["es"]}}',
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("WARD_KEY") then
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("WARD_KEY")
end

request = function()
  i = i % #names + 1
  return wrk.format(nil, nil, nil, '{"queries": {"q1": ' .. names[i] .. '}}')
end

done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("p50: %.2f ms  p90: %.2f ms  p99: %.2f ms  max: %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  local e = summary.errors
  io.write(string.format("requests: %d  non-2xx: %d  socket errors: connect %d read %d write %d timeout %d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
