import { isAtMostTwoDecimals, numberTexts } from '@app/lib/json-number-text';

/**
 * The scanner behind "a price has at most two decimals AS WRITTEN". It reads
 * the number literals of JSON text that JSON.parse already accepted.
 */
describe('numberTexts: the exact text of each number in a JSON document, by field path', () => {
  it('finds numbers in objects and arrays, with the paths validation messages use', () => {
    const text = '{"customerId":"c","items":[{"productId":"a","quantity":2,"price":19.999999999},{"price":1e-9}],"n":-0.5}';
    expect(Object.fromEntries(numberTexts(text))).toEqual({
      'items[0].quantity': '2',
      'items[0].price': '19.999999999',
      'items[1].price': '1e-9',
      n: '-0.5',
    });
  });

  it('keeps a number exactly as written, beyond what a double can hold', () => {
    expect(numberTexts('{"price":0.30000000000000004}').get('price')).toBe('0.30000000000000004');
    expect(numberTexts(`{"price":1${'0'.repeat(500)}.5}`).get('price')).toBe(`1${'0'.repeat(500)}.5`);
  });

  it('is not fooled by digits, quotes, brackets or escapes inside strings', () => {
    const text = '{"note":"price: 1.234 [x] {y} \\" \\\\","price":12.5,"weird \\"key\\"":3}';
    expect(Object.fromEntries(numberTexts(text))).toEqual({ price: '12.5', 'weird "key"': '3' });
  });

  it('handles whitespace everywhere, empty containers, true, false and null', () => {
    const text = ' { "a" : [ ] , "b" : { } , "c" : [ true , false , null , 7 ] , "d" : 2.50 } ';
    expect(Object.fromEntries(numberTexts(text))).toEqual({ 'c[3]': '7', d: '2.50' });
  });

  it('takes the last of repeated keys, as JSON.parse does', () => {
    const text = '{"price":1,"price":19.999}';
    expect(JSON.parse(text).price).toBe(19.999);
    expect(numberTexts(text).get('price')).toBe('19.999');
  });

  it('finds nothing in a document that is just a string', () => {
    expect(numberTexts('"12.345"').size).toBe(0);
  });
});

describe('isAtMostTwoDecimals: money as a person writes it', () => {
  it.each(['0', '20', '19.9', '19.99', '-3.50', '1299.99'])('accepts %s', (text) => {
    expect(isAtMostTwoDecimals(text)).toBe(true);
  });

  it.each(['19.999999999', '0.30000000000000004', '1e-9', '2E2', '19.990', '1.5e1'])('refuses %s', (text) => {
    expect(isAtMostTwoDecimals(text)).toBe(false);
  });
});
