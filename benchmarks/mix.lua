-- wrk script: cycles through the request paths listed in the file named by BENCH_PATHS.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["Accept"] = "application/sparql-results+json, text/turtle;q=0.9" })
end
