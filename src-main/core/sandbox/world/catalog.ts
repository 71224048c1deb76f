// The shop's catalogue and trading rhythm. Prices are gross minor units in the shop currency (øre);
// VAT rates are basis points as Vipps sends them: 25 % general, 15 % food, 12 % transport/culture, 0 % books.

export interface Product {
  name: string;
  category: string;
  unitPriceGross: number;
  vatRate: number;
}

export const PRODUCTS: readonly Product[] = [
  { name: 'Cappuccino', category: 'FOOD', unitPriceGross: 5950, vatRate: 1500 },
  { name: 'Caffe latte', category: 'FOOD', unitPriceGross: 6290, vatRate: 1500 },
  { name: 'Cinnamon bun', category: 'FOOD', unitPriceGross: 4490, vatRate: 1500 },
  { name: 'Sandwich', category: 'FOOD', unitPriceGross: 8990, vatRate: 1500 },
  { name: 'Mineral water', category: 'FOOD', unitPriceGross: 3290, vatRate: 1500 },
  { name: 'Tote bag', category: 'GOODS', unitPriceGross: 14990, vatRate: 2500 },
  { name: 'Mug', category: 'GOODS', unitPriceGross: 19900, vatRate: 2500 },
  { name: 'Coffee beans 250 g', category: 'GOODS', unitPriceGross: 12950, vatRate: 1500 },
  { name: 'Gift card', category: 'GOODS', unitPriceGross: 50000, vatRate: 0 },
  { name: 'Newspaper', category: 'GOODS', unitPriceGross: 4890, vatRate: 0 },
  { name: 'Book', category: 'GOODS', unitPriceGross: 34990, vatRate: 0 },
  { name: 'Cinema ticket', category: 'SERVICES', unitPriceGross: 15525, vatRate: 1200 },
  { name: 'Bus ticket', category: 'SERVICES', unitPriceGross: 4460, vatRate: 1200 },
  { name: 'Espresso machine service', category: 'SERVICES', unitPriceGross: 99000, vatRate: 2500 },
];

/** Relative sales by local hour (the shop opens at 07, peaks at lunch and after work, closes at 23). */
export const HOUR_WEIGHTS: readonly (readonly [number, number])[] = [
  [7, 3],
  [8, 6],
  [9, 5],
  [10, 5],
  [11, 8],
  [12, 11],
  [13, 9],
  [14, 6],
  [15, 6],
  [16, 8],
  [17, 9],
  [18, 7],
  [19, 5],
  [20, 4],
  [21, 3],
  [22, 2],
];

/** Luxon weekday (1 = Monday) → volume factor: Saturdays are busy, Sundays quiet. */
export const WEEKDAY_FACTOR: Record<number, number> = {
  1: 0.85,
  2: 0.9,
  3: 0.95,
  4: 1.0,
  5: 1.2,
  6: 1.4,
  7: 0.6,
};

/** Fixed demo exchange rates from a shop currency to SensePass's currencies (1 unit → rate units). */
export const FX_RATES: Record<string, number> = {
  'NOK>ILS': 0.34,
  'NOK>USD': 0.093,
  'NOK>EUR': 0.086,
  'EUR>ILS': 3.95,
  'EUR>USD': 1.08,
  'USD>ILS': 3.65,
};

export function fxRate(from: string, to: string): number {
  if (from === to) return 1;
  const direct = FX_RATES[`${from}>${to}`];
  if (direct !== undefined) return direct;
  const inverse = FX_RATES[`${to}>${from}`];
  return inverse !== undefined ? 1 / inverse : 0.1;
}

export const CARD_NETWORKS: readonly (readonly [string, number])[] = [
  ['VISA', 55],
  ['MASTERCARD', 38],
  ['AMEX', 7],
];

export const FIRST_NAMES = ['Kari', 'Ola', 'Ingrid', 'Lars', 'Noa', 'Emma', 'Jakob', 'Sara', 'Yosef', 'Maya'];
export const LAST_NAMES = ['Nordmann', 'Hansen', 'Johansen', 'Olsen', 'Berg', 'Cohen', 'Levi', 'Dahl'];
