// Reads [{validator: "tv4" | "ajv", schema, data}] (data as JSON text) on
// stdin and prints, for each, whether Postman's sandbox would pass it:
// tv4.validate(data, schema) as the legacy `tests[...] = tv4.validate(...)`,
// and chai-postman's jsonSchema assertion (new Ajv({allErrors: true,
// logger: false}).validate(schema, data); a throw fails the assertion).
const Ajv = require('ajv');
const tv4 = require('tv4');

let input = '';
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(({ validator, schema, data }) => {
    const value = JSON.parse(data);
    if (validator === 'tv4') {
      return tv4.validate(value, schema) === true;
    }
    try {
      const ajv = new Ajv({ allErrors: true, logger: false });
      const valid = ajv.validate(schema, value);
      return Boolean(valid && !ajv.errors);
    } catch (e) {
      return false;
    }
  });
  process.stdout.write(JSON.stringify(out));
});
