// Sends CUSTOMERS customers' histories of PER touchpoints each through /v1/batch: a running-shoe
// shopper's browsing, carts, orders and shipments, in order per customer, with batches of 500
// messages, ten per customer, as a server-side source that batches would send them. No dependencies: Node's own http.
//   node history.mjs URL KEY CUSTOMERS PER
import http from 'node:http';

const [url, key, customers, per] = [process.argv[2], process.argv[3], +process.argv[4], +process.argv[5]];
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const auth = 'Basic ' + Buffer.from(key + ':').toString('base64');
const models = ['Pegasus 41', 'Ghost 16', 'Clifton 9', 'Novablast 5'];

// Customer c's touchpoint i: mostly views (a fifth of them of other categories), a cart every 12,
// an order every 25, its shipment after it; consent to e-mail and SMS first.
function message(c, i) {
  const userId = `replay-${c}`;
  const messageId = `r-${c}-${i}`;
  if (i === 0) {
    return { type: 'identify', userId, messageId, traits: { first_name: `Runner ${c}`, consent: { email: true, sms: c % 2 === 0 } } };
  }
  const name = models[(c + i) % models.length];
  let event = 'Product Viewed';
  if (i % 25 === 0) event = 'Order Completed';
  else if (i % 25 === 1) event = 'Order Shipped';
  else if (i % 12 === 0) event = 'Product Added';
  const category = event === 'Product Viewed' && (c + i) % 5 === 0 ? 'trail' : 'running-shoes';
  return { type: 'track', userId, messageId, event, properties: { category, name, price: 80 + (i % 7) * 10 } };
}

function post(batch) {
  const body = JSON.stringify({ batch });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: auth, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode} ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Touchpoints go in rounds of ten per customer: each batch holds 50 customers' next ten, in order,
// and four batches are in flight, never two for one customer.
const started = Date.now();
let sent = 0;
for (let from = 0; from < per; from += 10) {
  const batches = [];
  for (let c = 0; c < customers; c += 50) {
    const batch = [];
    for (let k = c; k < Math.min(customers, c + 50); k++) {
      for (let i = from; i < Math.min(per, from + 10); i++) batch.push(message(k, i));
    }
    batches.push(batch);
  }
  for (let b = 0; b < batches.length; b += 4) {
    await Promise.all(batches.slice(b, b + 4).map(post));
    sent += batches.slice(b, b + 4).reduce((n, x) => n + x.length, 0);
  }
  console.log(`sent ${sent} touchpoints in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
console.log(`RESULT sent ${sent} touchpoints in ${((Date.now() - started) / 1000).toFixed(1)} s`);
