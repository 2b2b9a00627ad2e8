/** The gallery's paragraph about each scene (scenes.ts), by scene id: kept out of the element's bundle. */
export const SCENE_TEXTS: Readonly<Record<string, string>> = {
  'retry-storm':
    'Three services in a chain, edge → app → store, and the store fails every request. Each tier retries three times, so one request becomes 4 attempts at the app and 4 × 4 × 4 = 64 at the store: watch the bottom row fill with failures (squares) flying back up while the top row sees a single request. A retry budget on the edges caps it.',
  'circuit-breaker':
    'The api calls payments, which answers with an error after 200 ms. Every failed call holds an api slot for those 200 ms. Once half of the last 20 calls failed, the breaker on the edge opens: calls are refused at once (crosses falling on the edge), freeing the api. After a second it lets two trial calls through (half-open); they fail, and it opens again.',
  'order-payment-race':
    'Each order is a state machine (the statechart) that invokes a payment machine at the payments service (its servers beside it) and waits in PaymentPending. Half the users cancel after about 3 s while authorizations take a median 2 s: an order cancelled while its payment is still authorizing ends Cancelled with the money authorized — the pair Cancelled × Authorized, counted in the red badge while it lasts, until a compensating check voids the payment about 5 s later. Numbers are the instances in each state now (final states: how many ended there); an arrow flashes as instances take it.',
  'checkout':
    'Three machines: each order reserves stock (an inventory machine inside Reserving), then pays (a payment machine inside Paying). A second client, admin, reads inventory in bursts of 600/s for 2 s every 10 s, and inventory answers from its database, stock, whose 8 connections serve 400 queries a second: in each burst its queue grows and reservations pass their 300 ms timeout. The order gives up, cancels and sends release, but its reservation is still queued at stock; it lands afterwards, when the release has already been ignored, and stays: order Cancelled × inventory Reserved, violations that never end (the badge counts them). An inventory that checks its order when the reservation lands would release it.',
  'round-robin':
    'Requests arrive at a steady pace and all cost the same. Round robin hands them to each server in turn, so every server finishes one before the next arrives: no queue, nothing dropped.',
  'variable-cost':
    'Now requests cost between 100 and 900 ms. Round robin does not look at what a server is doing, so a server that drew two slow requests in a row builds a queue while its neighbours sit idle; when a queue of 10 is full, the next request is dropped.',
  'different-power':
    'The servers now differ: the first is four times as fast as the last. Round robin still sends each a quarter of the traffic, so the slow server is overwhelmed and drops requests while the fast one idles.',
  'weighted-round-robin':
    'Give each server a weight equal to its power and weighted round robin sends traffic in proportion: the slow server gets its fair share and stops dropping. It still cannot see that one request costs more than another.',
  'least-connections':
    'Least connections sends each request to the server with the fewest open requests. It needs no weights: a server that is slow or busy with a costly request keeps its connections longer and so receives less. Latency and drops fall together.',
  'failure':
    'Server 2 fails at 6 s and comes back at 14 s (and again at 46 s). Health checks every second need two failures in a row to notice, so requests sent in between fail; once it is marked down, traffic moves to the others. Back up, it warms up slowly (recovering) before taking its full share.',
  'peak-ewma':
    'One server turns slow without failing (a gray failure, from 8 s to 38 s). Peak-EWMA scores servers by their recent latency times their open requests, so it notices the slow one within a few requests and routes around it.',
  'dynamic-weighted-round-robin':
    'The servers differ in power but nobody configured weights. Dynamic weighted round robin measures each server and adjusts its weight as it goes, converging on the split that weighted round robin needed to be told.',
  'compare':
    'The same requests (same arrival times, same costs: common random numbers) sent by two balancers to two identical pools.',
  'overload':
    'Twelve servers with four slots and queues of 200 each, offered two thirds more than they can serve: every queue fills and the excess is dropped.',
};
